import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { addUser, keyFor, signIn, uniqueEmail } from './test-support.ts';

forEachEngine('Users', (env) => {
  it('lists the users of the workspace only, without password hashes', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'agent');
    const res = await env().app.inject({ method: 'GET', url: '/api/v1/users', headers: ws.headers });
    assert.equal(res.statusCode, 200);
    const data = res.json().items as Array<Record<string, unknown>>;
    assert.deepEqual(data.map((d) => d.email).sort(), [ws.adminEmail, u.email].sort());
    assert.ok(!data.some((d) => d.email === other.adminEmail));
    assert.ok(data.every((d) => !('password_hash' in d) && !('passwordHash' in d)));
  });

  it('invites a user with a one-time password they must change', async () => {
    const ws = await env().workspace();
    const email = uniqueEmail('Invitee').replace('invitee', 'Invitee');
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email: `  ${email} `, name: 'Ivy', role: 'marketer' } });
    assert.equal(res.statusCode, 201, res.body);
    const { user, temporaryPassword } = res.json();
    assert.equal(user.email, email.toLowerCase(), 'e-mail normalised');
    assert.equal(user.role, 'marketer');
    assert.equal(user.mustChangePassword, true);
    assert.ok(temporaryPassword.length >= 16);
    const b = await signIn(env().app, email, temporaryPassword);
    assert.equal(b.body.mustChangePassword, true);
    const audit = await env().engine.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws.workspaceId).where('action', '=', 'user.create').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.entity_id, user.id);
    assert.ok(!JSON.stringify(audit[0]!.after).includes(temporaryPassword), 'the audit log never holds the password');
  });

  it('does not keep the temporary password for Idempotency-Key replays', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...ws.headers, 'idempotency-key': 'invite-1' },
      payload: { email: uniqueEmail('idem'), role: 'agent' },
    });
    assert.equal(res.statusCode, 201);
    const stored = await env().engine.db.selectFrom('idempotency_keys').select('key').where('workspace_id', '=', ws.workspaceId).execute();
    assert.equal(stored.length, 0);
  });

  it('refuses an e-mail already in use (in any workspace) with 409', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    for (const email of [ws.adminEmail, other.adminEmail.toUpperCase()]) {
      const res = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email, role: 'agent' } });
      assert.equal(res.statusCode, 409);
    }
  });

  it('refuses invalid invites with field errors', async () => {
    const ws = await env().workspace();
    const bad: Array<[object, string]> = [
      [{ email: 'not-an-email', role: 'agent' }, 'email'],
      [{ email: uniqueEmail('x'), role: 'superuser' }, 'role'],
      [{ email: uniqueEmail('x'), role: 'agent', name: 'n'.repeat(201) }, 'name'],
      [{ email: uniqueEmail('x'), role: 'agent', password: 'chosen' }, '_'],
      [{ email: uniqueEmail('x'), role: 'agent', workspaceId: ws.workspaceId }, '_'],
      [{ email: "x@y.z'); drop table users; --", role: 'agent' }, 'email'],
      [{ email: ['a@b.c'], role: 'agent' }, 'email'],
    ];
    for (const [payload, field] of bad) {
      const res = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const fields = res.json().error.fields ?? {};
      assert.ok(field === '_' || fields[field], `${field} flagged for ${JSON.stringify(payload)}: ${res.body}`);
    }
  });

  it('keeps SQL-ish names as plain text', async () => {
    const ws = await env().workspace();
    const name = "Robert'); DROP TABLE users;--";
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email: uniqueEmail('bobby'), name, role: 'agent' } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().user.name, name);
  });

  it('renames, changes role, disables and re-enables a user, auditing each change', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'agent');
    const url = `/api/v1/users/${u.id}`;
    const r1 = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { name: 'Renamed', role: 'analyst' } });
    assert.equal(r1.statusCode, 200);
    assert.equal(r1.json().name, 'Renamed');
    assert.equal(r1.json().role, 'analyst');
    const r2 = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { disabled: true } });
    assert.equal(r2.json().disabled, true);
    const login = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password } });
    assert.equal(login.statusCode, 401);
    const r3 = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { disabled: false } });
    assert.equal(r3.json().disabled, false);
    await signIn(env().app, u.email, u.password);
    const audit = await env().engine.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('workspace_id', '=', ws.workspaceId)
      .where('entity_id', '=', u.id)
      .where('action', '=', 'user.update')
      .orderBy('id')
      .execute();
    assert.equal(audit.length, 3);
    assert.equal((audit[0]!.before as any).role, 'agent');
    assert.equal((audit[0]!.after as any).role, 'analyst');
  });

  it('refuses to demote or disable the last active admin (409)', async () => {
    const ws = await env().workspace();
    const url = `/api/v1/users/${ws.userId}`;
    const demote = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { role: 'marketer' } });
    assert.equal(demote.statusCode, 409);
    const disable = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { disabled: true } });
    assert.equal(disable.statusCode, 409);
    // With a second admin the first may step down, and then the second is the last one.
    const second = await addUser(env().engine, ws.workspaceId, 'admin');
    const ok = await env().app.inject({ method: 'PATCH', url, headers: ws.headers, payload: { role: 'marketer' } });
    assert.equal(ok.statusCode, 200);
    const last = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${second.id}`, headers: ws.headers, payload: { disabled: true } });
    assert.equal(last.statusCode, 409);
    // A disabled admin does not count as a remaining admin.
    const third = await addUser(env().engine, ws.workspaceId, 'admin');
    await env().engine.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', third.id).execute();
    const still = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${second.id}`, headers: ws.headers, payload: { role: 'agent' } });
    assert.equal(still.statusCode, 409);
    const renameLast = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${second.id}`, headers: ws.headers, payload: { name: 'Still admin' } });
    assert.equal(renameLast.statusCode, 200, 'other changes to the last admin are fine');
  });

  it('answers 404 for a user of another workspace and 400 for a malformed id', async () => {
    const ws = await env().workspace();
    const other = await env().workspace();
    const res = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${other.userId}`, headers: ws.headers, payload: { disabled: true } });
    assert.equal(res.statusCode, 404);
    const still = await env().engine.db.selectFrom('users').select('disabled_at').where('id', '=', other.userId).executeTakeFirstOrThrow();
    assert.equal(still.disabled_at, null);
    const bad = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/1%20or%201=1`, headers: ws.headers, payload: { name: 'x' } });
    assert.equal(bad.statusCode, 400);
    const empty = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${ws.userId}`, headers: ws.headers, payload: {} });
    assert.equal(empty.statusCode, 400);
    const wrongType = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${ws.userId}`, headers: ws.headers, payload: { disabled: 'yes' } });
    assert.equal(wrongType.statusCode, 400);
  });

  it('lets only admins manage users (403 for other roles, 401 without a key)', async () => {
    const ws = await env().workspace();
    for (const role of ['marketer', 'agent', 'analyst'] as const) {
      const headers = await keyFor(env().engine, ws.workspaceId, role);
      const list = await env().app.inject({ method: 'GET', url: '/api/v1/users', headers });
      assert.equal(list.statusCode, 403, role);
      const create = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers, payload: { email: uniqueEmail('x'), role: 'admin' } });
      assert.equal(create.statusCode, 403, role);
      const patch = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${ws.userId}`, headers, payload: { role: 'analyst' } });
      assert.equal(patch.statusCode, 403, role);
    }
    const none = await env().app.inject({ method: 'GET', url: '/api/v1/users' });
    assert.equal(none.statusCode, 401);
    const bad = await env().app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: 'Bearer rk_forged' } });
    assert.equal(bad.statusCode, 401);
  });
});
