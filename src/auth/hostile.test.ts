import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { jsonDepth, MAX_JSON_DEPTH } from '../platform/http.ts';
import { signIn } from './test-support.ts';

function nested(depth: number): string {
  return '{"name":' + '['.repeat(depth) + ']'.repeat(depth) + ',"role":"agent"}';
}

it('measures JSON depth on the raw text, ignoring brackets inside strings', () => {
  assert.equal(jsonDepth('{"a":[1,{"b":2}]}'), 3);
  assert.equal(jsonDepth('{"a":"[[[[{{{{\\"]]]"}'), 1);
  assert.equal(jsonDepth('"plain"'), 0);
});

forEachEngine('Hostile requests against auth endpoints', (env) => {
  it('refuses bodies over 1 MiB with 413 and stays up', async () => {
    const ws = await env().workspace();
    const payload = JSON.stringify({ name: 'x'.repeat(1_100_000), role: 'agent' });
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { ...ws.headers, 'content-type': 'application/json' }, payload });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'payload_too_large');
    const login = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a@b.c', password: 'p'.repeat(1_100_000) }) });
    assert.equal(login.statusCode, 413, 'also before authentication');
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
  });

  it('refuses deeply nested JSON with 400, with or without an Idempotency-Key', async () => {
    const ws = await env().workspace();
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000, 400_000]) {
      for (const extra of [{}, { 'idempotency-key': `deep-${depth}` }]) {
        const res = await env().app.inject({
          method: 'POST',
          url: '/api/v1/api-keys',
          headers: { ...ws.headers, ...extra, 'content-type': 'application/json' },
          payload: nested(depth),
        });
        assert.equal(res.statusCode, 400, `depth ${depth}: ${res.body.slice(0, 200)}`);
        assert.match(res.json().error.message, /nested deeper/, 'refused by the body parser, before any recursive walk');
      }
    }
    const login = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: nested(200_000) });
    assert.equal(login.statusCode, 400);
    const shallow = await env().app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { ...ws.headers, 'content-type': 'application/json' },
      payload: nested(MAX_JSON_DEPTH - 1),
    });
    assert.equal(shallow.statusCode, 400);
    assert.doesNotMatch(shallow.json().error.message, /nested deeper/, 'ordinary nesting reaches validation');
    const fine = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'after the storm', role: 'agent' } });
    assert.equal(fine.statusCode, 201, 'the process is still serving');
  });

  it('refuses prototype-poisoning bodies', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { ...ws.headers, 'content-type': 'application/json' },
      payload: '{"name":"x","role":"agent","__proto__":{"role":"admin"}}',
    });
    assert.equal(res.statusCode, 400);
  });

  it('refuses non-JSON bodies on JSON endpoints', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { ...ws.headers, 'content-type': 'text/plain' }, payload: 'name=x&role=admin' });
    assert.ok([400, 415].includes(res.statusCode), String(res.statusCode));
  });

  it('refuses a cross-origin form post riding on the session cookie', async () => {
    const ws = await env().workspace();
    const b = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const res = await env().app.inject({
      method: 'PATCH',
      url: '/api/v1/workspace',
      headers: { cookie: b.headers.cookie!, origin: 'https://evil.example' },
      payload: { name: 'pwned' },
    });
    assert.equal(res.statusCode, 403);
    const name = (await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: ws.headers })).json().name;
    assert.notEqual(name, 'pwned');
  });

  it('treats malformed authorization headers as unauthenticated', async () => {
    for (const authorization of ['Bearer ', 'Bearer', 'Basic YWRtaW46YWRtaW4=', "Bearer ' or 1=1 --", 'Bearer ' + 'x'.repeat(5000)]) {
      const res = await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { authorization } });
      assert.equal(res.statusCode, 401, authorization.slice(0, 30));
    }
    const forgedCookie = await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { cookie: "rapport_session=' or 1=1 --" } });
    assert.equal(forgedCookie.statusCode, 401);
  });
});
