import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { sessionCookieOf, signIn, uniqueEmail } from './test-support.ts';

// An invited user (or the first-run admin) signs in with a one-time password and must choose
// their own before the session opens anything but the auth routes.

forEachEngine('One-time passwords', (env) => {
  it('keeps an invited user out of customer data until they choose a new password', async () => {
    const ws = await env().workspace();
    const email = uniqueEmail('invitee');
    const invite = await env().app.inject({ method: 'POST', url: '/api/v1/users', headers: ws.headers, payload: { email, name: 'New agent', role: 'agent' } });
    assert.equal(invite.statusCode, 201, invite.body);
    const temporary = invite.json().temporaryPassword as string;

    const browser = await signIn(env().app, email, temporary);
    assert.equal(browser.body.mustChangePassword, true);
    const blocked = await env().app.inject({ method: 'GET', url: '/api/v1/people', headers: browser.headers });
    assert.equal(blocked.statusCode, 403);
    assert.match(blocked.json().error.message, /new password/);
    const me = await env().app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: browser.headers });
    assert.equal(me.statusCode, 200, 'the session can still say who it is');

    const changed = await env().app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: browser.headers,
      payload: { currentPassword: temporary, newPassword: 'a much better passphrase' },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const cookie = sessionCookieOf(changed);
    assert.ok(cookie);
    const open = await env().app.inject({ method: 'GET', url: '/api/v1/people', headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
    assert.equal(open.statusCode, 200, open.body);
  });
});
