import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { MAX_FAILURES } from './login.ts';
import { addUser, keyFor, sessionCookieOf, signIn, uniqueEmail } from './test-support.ts';

forEachEngine('Web sessions', (env) => {
  it('signs in with e-mail and password and sets a 7-day HttpOnly, SameSite=Lax cookie', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ws.adminEmail.toUpperCase(), password: ws.adminPassword } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.user.email, ws.adminEmail);
    assert.equal(body.user.role, 'admin');
    assert.equal(body.workspace.id, ws.workspaceId);
    assert.equal(typeof body.csrfToken, 'string');
    assert.equal(body.mustChangePassword, false);
    assert.equal(body.user.password_hash, undefined);
    const c = res.cookies.find((x) => x.name === SESSION_COOKIE)!;
    assert.ok(c, 'cookie set');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Lax');
    assert.equal(c.path, '/');
    assert.notEqual(c.secure, true, 'not Secure unless COOKIE_SECURE=true');
    assert.equal(c.maxAge, 7 * 24 * 3600);
    const stored = await env().engine.db.selectFrom('sessions').select(['id', 'expires_at']).where('user_id', '=', ws.userId).execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.id, c.value, 'the database keeps a hash of the token, not the token');
    const days = (stored[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in 7 days, got ${days}`);
  });

  it('marks the cookie Secure when COOKIE_SECURE=true', async () => {
    const ws = await env().workspace();
    const prior = process.env.COOKIE_SECURE;
    process.env.COOKIE_SECURE = 'true';
    try {
      const res = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ws.adminEmail, password: ws.adminPassword } });
      assert.equal(res.cookies.find((x) => x.name === SESSION_COOKIE)?.secure, true);
    } finally {
      if (prior === undefined) delete process.env.COOKIE_SECURE;
      else process.env.COOKIE_SECURE = prior;
    }
  });

  it('gives the same 401 for an unknown e-mail and for a wrong password', async () => {
    const ws = await env().workspace();
    const unknown = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: uniqueEmail('nobody'), password: 'whatever-password' } });
    const wrong = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ws.adminEmail, password: 'not-the-password' } });
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual({ ...unknown.json().error, requestId: 0 }, { ...wrong.json().error, requestId: 0 });
    assert.equal(sessionCookieOf(wrong), undefined);
  });

  it('refuses a disabled user with the same 401', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'agent');
    await env().engine.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', u.id).execute();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.message, 'Wrong e-mail or password');
  });

  it('brakes an e-mail after 10 failed attempts with 429, even for the right password, until the window passes', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'marketer');
    for (let i = 0; i < MAX_FAILURES; i++) {
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: `guess-${i}` } });
      assert.equal(r.statusCode, 401);
    }
    const braked = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password } });
    assert.equal(braked.statusCode, 429);
    assert.equal(braked.json().error.code, 'rate_limited');
    assert.ok(Number(braked.headers['retry-after']) > 0, 'says when to retry');
    // Other addresses are not affected.
    await signIn(env().app, ws.adminEmail, ws.adminPassword);
    // Move the failures out of the 15-minute window: the owner can sign in again.
    await env().engine.db
      .updateTable('login_attempts')
      .set({ attempted_at: new Date(Date.now() - 16 * 60 * 1000) })
      .where('email', '=', u.email)
      .execute();
    await signIn(env().app, u.email, u.password);
    const left = await env().engine.db.selectFrom('login_attempts').select('id').where('email', '=', u.email).execute();
    assert.equal(left.length, 0, 'a successful sign-in clears the failures');
  });

  it('brakes unknown e-mails the same way, so the 429 reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < MAX_FAILURES; i++) {
      await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: `guess-${i}` } });
    }
    const r = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'another' } });
    assert.equal(r.statusCode, 429);
  });

  it('shows the signed-in user, workspace, role and CSRF token at /auth/me', async () => {
    const ws = await env().workspace();
    const b = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: b.headers.cookie! } });
    assert.equal(me.statusCode, 200);
    const body = me.json();
    assert.equal(body.user.id, ws.userId);
    assert.equal(body.workspace.id, ws.workspaceId);
    assert.equal(body.role, 'admin');
    assert.equal(body.csrfToken, b.csrfToken);
    const viaKey = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: ws.headers });
    assert.equal(viaKey.json().user, null);
    assert.equal(viaKey.json().csrfToken, null);
    const none = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    assert.equal(none.statusCode, 401);
  });

  it('signs out: the cookie stops working and is cleared', async () => {
    const ws = await env().workspace();
    const b = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const out = await env().app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: b.headers });
    assert.equal(out.statusCode, 200);
    assert.equal(sessionCookieOf(out), '', 'cookie cleared');
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: b.headers.cookie! } });
    assert.equal(me.statusCode, 401);
  });

  it('refuses a cookie mutation without the CSRF header (403) and accepts it with the header', async () => {
    const ws = await env().workspace();
    const b = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const payload = { name: 'csrf test', role: 'analyst' };
    const missing = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: b.headers.cookie! }, payload });
    assert.equal(missing.statusCode, 403);
    const wrong = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { cookie: b.headers.cookie!, 'x-csrf-token': 'forged' }, payload });
    assert.equal(wrong.statusCode, 403);
    const otherSession = await signIn(env().app, ws.adminEmail, ws.adminPassword);
    const stolen = await env().app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: b.headers.cookie!, 'x-csrf-token': otherSession.csrfToken },
      payload,
    });
    assert.equal(stolen.statusCode, 403, "another session's token does not fit");
    const ok = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: b.headers, payload });
    assert.equal(ok.statusCode, 201, ok.body);
    const keys = await env().engine.db.selectFrom('api_keys').select('id').where('workspace_id', '=', ws.workspaceId).where('name', '=', 'csrf test').execute();
    assert.equal(keys.length, 1, 'only the request with the token created a key');
    const reads = await env().app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { cookie: b.headers.cookie! } });
    assert.equal(reads.statusCode, 200, 'reads need no CSRF token');
  });

  it('needs no CSRF token for API-key calls', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: ws.headers, payload: { name: 'script', role: 'agent' } });
    assert.equal(res.statusCode, 201);
  });

  it('changing the password ends every session of the user and issues a fresh one', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'agent');
    const laptop = await signIn(env().app, u.email, u.password);
    const phone = await signIn(env().app, u.email, u.password);
    const res = await env().app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: laptop.headers,
      payload: { currentPassword: u.password, newPassword: 'a brand new password' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const fresh = sessionCookieOf(res);
    assert.ok(fresh && fresh !== laptop.cookie, 'a new session cookie');
    assert.notEqual(res.json().csrfToken, laptop.csrfToken);
    for (const old of [laptop, phone]) {
      const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: old.headers.cookie! } });
      assert.equal(me.statusCode, 401, 'old sessions ended');
    }
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `${SESSION_COOKIE}=${fresh}` } });
    assert.equal(me.statusCode, 200);
    const oldPw = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: u.email, password: u.password } });
    assert.equal(oldPw.statusCode, 401);
    await signIn(env().app, u.email, 'a brand new password');
    const audit = await env().engine.db.selectFrom('audit_log').select('action').where('workspace_id', '=', ws.workspaceId).where('entity_id', '=', u.id).execute();
    assert.ok(audit.some((a) => a.action === 'user.password_change'));
  });

  it('clears must-change-password after the change', async () => {
    const ws = await env().workspace();
    const invite = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email: uniqueEmail('new'), name: 'New', role: 'analyst' } });
    const { user, temporaryPassword } = invite.json();
    const b = await signIn(env().app, user.email, temporaryPassword);
    assert.equal(b.body.mustChangePassword, true);
    const res = await env().app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: b.headers,
      payload: { currentPassword: temporaryPassword, newPassword: 'my own password 123' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().mustChangePassword, false);
    const again = await signIn(env().app, user.email, 'my own password 123');
    assert.equal(again.body.mustChangePassword, false);
  });

  it('refuses a password change with a wrong current password, a short new one, or without CSRF', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'agent');
    const b = await signIn(env().app, u.email, u.password);
    const wrong = await env().app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: b.headers, payload: { currentPassword: 'nope', newPassword: 'long enough password' } });
    assert.equal(wrong.statusCode, 400);
    assert.ok(wrong.json().error.fields.currentPassword);
    const recorded = await env().engine.db.selectFrom('login_attempts').select('id').where('email', '=', u.email).execute();
    assert.equal(recorded.length, 1, 'a wrong current password counts toward the brake');
    const short = await env().app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: b.headers, payload: { currentPassword: u.password, newPassword: 'short' } });
    assert.equal(short.statusCode, 400);
    assert.ok(short.json().error.fields.newPassword);
    const noCsrf = await env().app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: b.headers.cookie! },
      payload: { currentPassword: u.password, newPassword: 'long enough password' },
    });
    assert.equal(noCsrf.statusCode, 403);
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: b.headers.cookie! } });
    assert.equal(me.statusCode, 200, 'the session survives refused changes');
  });

  it('refuses a password change through an API key (no user behind it)', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: ws.headers, payload: { currentPassword: 'x', newPassword: 'long enough password' } });
    assert.equal(res.statusCode, 403);
  });

  it('ends a session at once when the user is disabled, and applies role changes at once', async () => {
    const ws = await env().workspace();
    const u = await addUser(env().engine, ws.workspaceId, 'admin');
    const b = await signIn(env().app, u.email, u.password);
    const demote = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: ws.headers, payload: { role: 'analyst' } });
    assert.equal(demote.statusCode, 200);
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie: b.headers.cookie! } });
    assert.equal(list.statusCode, 403, 'the new role applies to the live session');
    const disable = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: ws.headers, payload: { disabled: true } });
    assert.equal(disable.statusCode, 200);
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: b.headers.cookie! } });
    assert.equal(me.statusCode, 401);
    const n = await env().engine.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
    assert.equal(n.length, 0);
  });

  it('rejects hostile sign-in bodies with 400, not 500', async () => {
    const app = env().app;
    const cases: unknown[] = [
      {},
      { email: 'a@b.c' },
      { email: 1, password: 2 },
      { email: "' or 1=1 --", password: "' or '1'='1" },
      { email: 'a@b.c', password: 'x', role: 'admin' },
      { email: 'a'.repeat(300) + '@x.io', password: 'x' },
      { email: 'a@b.c', password: 'x'.repeat(2000) },
    ];
    for (const payload of cases) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as object });
      assert.ok(r.statusCode === 400 || r.statusCode === 401, `${JSON.stringify(payload).slice(0, 60)} -> ${r.statusCode}`);
    }
    const sqlish = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: "admin@x.io' or 1=1 --", password: "' or '1'='1" } });
    assert.equal(sqlish.statusCode, 401);
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    assert.equal(notJson.statusCode, 400);
  });

  it('a session of one workspace cannot see another workspace', async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    const bKey = await keyFor(env().engine, b.workspaceId, 'admin');
    const other = await addUser(env().engine, b.workspaceId, 'agent');
    const browser = await signIn(env().app, a.adminEmail, a.adminPassword);
    const res = await env().app.inject({ method: 'PATCH', url: `/api/v1/users/${other.id}`, headers: browser.headers, payload: { name: 'hijack' } });
    assert.equal(res.statusCode, 404);
    const ws = await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { cookie: browser.headers.cookie! } });
    assert.equal(ws.json().id, a.workspaceId);
    assert.equal((await env().app.inject({ method: 'GET', url: '/api/v1/workspace', headers: bKey })).json().id, b.workspaceId);
  });
});
