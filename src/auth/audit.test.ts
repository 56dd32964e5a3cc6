import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { keyFor, uniqueEmail } from './test-support.ts';

forEachEngine('Audit log', (env) => {
  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const ws = await env().workspace();
    for (let i = 0; i < 5; i++) {
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: `k${i}`, role: 'agent' } });
      assert.equal(r.statusCode, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await env().app.inject({ method: 'GET', url, headers: ws.headers });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      seen.push(...body.items.map((d: any) => d.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const nums = seen.map(BigInt);
    assert.ok(nums.every((n, i) => i === 0 || n < nums[i - 1]!), 'ids descend');
    const first = (await env().app.inject({ method: 'GET', url: '/api/v1/audit-log?limit=1', headers: ws.headers })).json().items[0];
    assert.equal(first.action, 'api_key.create');
    assert.equal(first.entity, 'api_key');
    assert.equal(first.after.name, 'k4');
    assert.ok(first.actorApiKeyId, 'names the acting key');
  });

  it('filters by entity and entity id', async () => {
    const ws = await env().workspace();
    const invite = (await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email: uniqueEmail('a'), role: 'agent' } })).json();
    await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${invite.user.id}`, headers: ws.headers, payload: { name: 'Agent A' } });
    await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'noise', role: 'agent' } });
    await env().app.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: ws.headers, payload: { locale: 'fi' } });
    const users = (await env().app.inject({ method: 'GET', url: '/api/v1/audit-log?entity=user', headers: ws.headers })).json().items;
    assert.deepEqual(users.map((d: any) => d.action), ['user.update', 'user.create']);
    const one = (await env().app.inject({ method: 'GET', url: `/api/v1/audit-log?entity=user&entityId=${invite.user.id}`, headers: ws.headers })).json().items;
    assert.equal(one.length, 2);
    const settings = (await env().app.inject({ method: 'GET', url: '/api/v1/audit-log?entity=workspace', headers: ws.headers })).json().items;
    assert.equal(settings.length, 1);
    const none = (await env().app.inject({ method: 'GET', url: `/api/v1/audit-log?entity=${encodeURIComponent("user' or '1'='1")}`, headers: ws.headers })).json().items;
    assert.equal(none.length, 0, 'SQL-ish filters match nothing');
  });

  it('records sign-in and sign-out', async () => {
    const ws = await env().workspace();
    const login = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ws.adminEmail, password: ws.adminPassword } });
    const cookie = `rapport_session=${login.cookies.find((c) => c.name === 'rapport_session')!.value}`;
    await env().app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, 'x-csrf-token': login.json().csrfToken } });
    const data = (await env().app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: ws.headers })).json().items;
    assert.deepEqual(data.map((d: any) => d.action), ['session.logout', 'session.login']);
    assert.equal(data[0].actorUserId, ws.userId);
  });

  it('shows only the own workspace, only to admins, and refuses bad cursors and limits', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: other.headers, payload: { name: 'theirs', role: 'agent' } });
    const mine = (await env().app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: ws.headers })).json().items;
    assert.ok(!mine.some((d: any) => d.after?.name === 'theirs'));
    for (const role of ['marketer', 'agent', 'analyst'] as const) {
      const r = await env().app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: await keyFor(env().engine, ws.workspaceId, role) });
      assert.equal(r.statusCode, 403, role);
    }
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/audit-log' })).statusCode, 401);
    const badCursors = ['garbage', Buffer.from(JSON.stringify(["1 or 1=1"])).toString('base64url'), Buffer.from('[1,2]').toString('base64url')];
    for (const c of badCursors) {
      const r = await env().app.inject({ method: 'GET', url: `/api/v1/audit-log?cursor=${c}`, headers: ws.headers });
      assert.equal(r.statusCode, 400, c);
    }
    for (const q of ['limit=0', 'limit=1000', 'limit=abc', 'unknown=1']) {
      const r = await env().app.inject({ method: 'GET', url: `/api/v1/audit-log?${q}`, headers: ws.headers });
      assert.equal(r.statusCode, 400, q);
    }
  });
});
