import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';

forEachEngine('HTTP plumbing', (env) => {
  it('refuses API calls without a key, or with a wrong one', async () => {
    const none = await env().app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(none.statusCode, 200, 'the OpenAPI document is public');
    const res = await env().app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { authorization: 'Bearer nope' } });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
  });

  it('serves an OpenAPI 3.1 document', async () => {
    const res = await env().app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.json().openapi, '3.1.0');
  });

  it('lets no browser or proxy keep API answers, errors included, but leaves the web app cacheable', async () => {
    const ws = await env().workspace();
    for (const [url, headers] of [['/api/v1/workspace', ws.headers], ['/api/v1/people?limit=1', ws.headers], ['/api/v1/people', {}], ['/v1/track', {}]] as const) {
      const res = await env().app.inject({ method: 'GET', url, headers });
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
    const page = await env().app.inject({ method: 'GET', url: '/customers' });
    assert.notEqual(page.headers['cache-control'], 'no-store');
  });

  it('reports which engine it runs on', async () => {
    const res = await env().app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(res.json().engine, env().kind);
  });
});
