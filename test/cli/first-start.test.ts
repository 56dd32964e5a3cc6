import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { startRapport, type RunningRapport } from '../support/start-rapport.ts';

// Starts Rapport the way a newcomer does (the npm bin, embedded database) and uses the printed credentials.

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-start-'));
const running: RunningRapport[] = [];

after(async () => {
  for (const r of running) await r.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('creates a workspace on first start and prints a working admin login and API key', async () => {
  const first = await startRapport({ DATA_DIR: dataDir });
  running.push(first);
  const key = first.output().match(/API key:\s+(\S+)/)?.[1];
  const email = first.output().match(/Admin login:\s+(\S+)/)?.[1];
  assert.ok(key, 'an API key is printed');
  assert.equal(email, 'admin@localhost');
  const health = (await (await fetch(`${first.url}/api/health`)).json()) as { engine: string };
  assert.equal(health.engine, 'pglite');
  const withKey = await fetch(`${first.url}/api/v1/people`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(withKey.status, 200);
  const withoutKey = await fetch(`${first.url}/api/v1/people`);
  assert.equal(withoutKey.status, 401);
  await first.stop();

  // The second start finds the workspace and prints no new secrets.
  const second = await startRapport({ DATA_DIR: dataDir });
  running.push(second);
  assert.doesNotMatch(second.output(), /API key:/);
  const again = await fetch(`${second.url}/api/v1/people`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(again.status, 200, 'the key from the first start still works: data persisted under DATA_DIR');
  const page = await fetch(`${second.url}/customers`);
  assert.equal(page.status, 200, 'the web app is served by the same process');
  assert.match(await page.text(), /<div id="root">/);
});
