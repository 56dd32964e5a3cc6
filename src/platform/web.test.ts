import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Fastify from 'fastify';
import { installWebApp } from './web.ts';

// The web app served by the API's process, including after `npm run build:web` while it runs.

it('serves the assets of a web rebuild made while the server runs, and nothing outside them', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'rapport-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<script src="/assets/index-old.js"></script>');
  writeFileSync(join(dist, 'assets', 'index-old.js'), 'old()');
  const outside = mkdtempSync(join(tmpdir(), 'rapport-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'not an asset');
  const climb = `../../${outside.split('/').pop()}/secret.txt`;
  const app = Fastify();
  await installWebApp(app, dist);
  try {
    assert.equal((await app.inject('/assets/index-old.js')).body, 'old()');
    // The rebuild: new hashed names, a new index.html.
    writeFileSync(join(dist, 'assets', 'index-new.js'), 'new()');
    writeFileSync(join(dist, 'index.html'), '<script src="/assets/index-new.js"></script>');
    const page = await app.inject('/customers/123');
    assert.match(page.body, /index-new\.js/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const asset = await app.inject('/assets/index-new.js');
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'new()');
    for (const url of ['/assets/missing.js', '/assets/sub/x.js', `/assets/${encodeURIComponent(climb)}`, `/assets/${climb.replaceAll('/', '%2f')}`]) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /not an asset/, url);
    }
    // Dot segments are resolved before routing: what is left is an app route, answered with the page.
    assert.doesNotMatch((await app.inject(`/assets/${climb}`)).body, /not an asset/);
    assert.equal((await app.inject('/api/v1/nothing')).statusCode, 404);
  } finally {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
