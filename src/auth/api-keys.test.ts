import assert from 'node:assert/strict';
import { it, mock } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { API_KEY_CACHE_MS } from './api-key-cache.ts';
import { keyFor } from './test-support.ts';

forEachEngine('API keys', (env) => {
  it('creates a key shown once; the list shows prefix, role and last use but never the key or hash', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'Zapier', role: 'marketer' } });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.ok(created.key.startsWith('rk_'));
    assert.equal(created.prefix, created.key.slice(0, 10));
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: ws.headers });
    assert.equal(list.statusCode, 200);
    const text = list.body;
    assert.ok(!text.includes(created.key), 'the key is not listed');
    assert.ok(!/key_hash|keyHash/.test(text), 'nor its hash');
    const row = list.json().items.find((k: any) => k.id === created.id);
    assert.equal(row.name, 'Zapier');
    assert.equal(row.role, 'marketer');
    assert.equal(row.prefix, created.prefix);
    assert.equal(row.lastUsedAt, null);
    assert.equal(row.revokedAt, null);
  });

  it('the new key works with its own role', async () => {
    const ws = await env().workspace();
    const created = (await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'reader', role: 'analyst' } })).json();
    const headers = { authorization: `Bearer ${created.key}` };
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers })).statusCode, 200);
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/api-keys', headers })).statusCode, 403);
  });

  it('records last use, at most once a minute', async () => {
    const ws = await env().workspace();
    const created = (await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'busy', role: 'agent' } })).json();
    const headers = { authorization: `Bearer ${created.key}` };
    await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers });
    const lastUsed = async () =>
      (await env().engine.db.selectFrom('api_keys').select('last_used_at').where('id', '=', created.id).executeTakeFirstOrThrow()).last_used_at;
    const first = await lastUsed();
    assert.ok(first instanceof Date);
    await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers });
    assert.equal((await lastUsed())!.getTime(), first.getTime(), 'not rewritten within the minute');
    const old = new Date(Date.now() - 5 * 60_000);
    await env().engine.db.updateTable('api_keys').set({ last_used_at: old }).where('id', '=', created.id).execute();
    // Five minutes later (the process's own record of the last use, like its cache, is by the clock).
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 5 * 60_000 });
    try {
      await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers });
    } finally {
      mock.timers.reset();
    }
    assert.ok((await lastUsed())!.getTime() > old.getTime(), 'rewritten once the minute has passed');
  });

  it('a key revoked by another process (straight in the database) is refused once the cache lifetime has passed', async () => {
    const ws = await env().workspace();
    const created = (await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'elsewhere', role: 'agent' } })).json();
    const headers = { authorization: `Bearer ${created.key}` };
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers })).statusCode, 200);
    await env().engine.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', created.id).execute();
    mock.timers.enable({ apis: ['Date'], now: Date.now() + API_KEY_CACHE_MS + 1 });
    try {
      assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers })).statusCode, 401);
    } finally {
      mock.timers.reset();
    }
  });

  it('a revoked key gets 401 and the revocation is audited', async () => {
    const ws = await env().workspace();
    const created = (await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'temp', role: 'admin' } })).json();
    const headers = { authorization: `Bearer ${created.key}` };
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers })).statusCode, 200);
    const del = await env().app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: ws.headers });
    assert.equal(del.statusCode, 200);
    assert.ok(del.json().revokedAt);
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers })).statusCode, 401);
    const again = await env().app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: ws.headers });
    assert.equal(again.statusCode, 200, 'revoking twice is harmless');
    const audit = await env().engine.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.workspaceId)
      .where('entity_id', '=', created.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(audit.map((a) => a.action), ['api_key.create', 'api_key.revoke']);
  });

  it('cannot revoke a key of another workspace (404), and malformed ids are 400', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    const otherKey = await env().engine.db.selectFrom('api_keys').select('id').where('workspace_id', '=', other.workspaceId).executeTakeFirstOrThrow();
    const res = await env().app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${otherKey.id}`, headers: ws.headers });
    assert.equal(res.statusCode, 404);
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: other.headers })).statusCode, 200, 'still works');
    const bad = await env().app.inject({ method: 'DELETE', url: `/api/v1/api-keys/'%3B%20delete%20from%20api_keys%3B--`, headers: ws.headers });
    assert.equal(bad.statusCode, 400);
    const list = (await env().app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: ws.headers })).json().items;
    assert.ok(!list.some((k: any) => k.id === otherKey.id), 'lists only its own keys');
  });

  it('refuses bad key requests: wrong role, missing name, unknown role, oversized name, extra fields', async () => {
    const ws = await env().workspace();
    for (const role of ['marketer', 'agent', 'analyst'] as const) {
      const headers = await keyFor(env().engine, ws.workspaceId, role);
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: 'escalate', role: 'admin' } });
      assert.equal(r.statusCode, 403, role);
    }
    const cases = [{ role: 'agent' }, { name: 'x', role: 'root' }, { name: 'x'.repeat(201), role: 'agent' }, { name: '   ', role: 'agent' }, { name: 'x', role: 'agent', key: 'rk_mine' }, { name: 5, role: 'agent' }];
    for (const payload of cases) {
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal((await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', role: 'agent' } })).statusCode, 401);
  });

  it('does not store a new key for Idempotency-Key replays', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { ...ws.headers, 'idempotency-key': 'k1' }, payload: { name: 'idem', role: 'agent' } });
    assert.equal(res.statusCode, 201);
    const stored = await env().engine.db.selectFrom('idempotency_keys').select('key').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(stored.length, 0, 'the key would otherwise sit in clear in idempotency_keys');
  });
});
