import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { appendInteraction } from './timeline.ts';
import { auditActions, client, createCompany, createPerson } from './testing.ts';

forEachEngine('Timeline and 360 view', (env) => {
  it('logs a note authored by the caller and reads the timeline newest first', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Anna' });
    const older = await c.call('POST', `/api/v1/contacts/${p.id}/timeline`, {
      channel: 'call',
      direction: 'inbound',
      occurredAt: '2024-01-02T10:00:00Z',
      summary: 'Asked about delivery',
      linked: [{ type: 'order', id: 'A-1' }],
    });
    assert.equal(older.status, 201, JSON.stringify(older.body));
    assert.equal(older.body.type, 'call.logged');
    const note = await c.call('POST', `/api/v1/contacts/${p.id}/timeline`, { channel: 'note', summary: 'Prefers e-mail', body: 'Long text' });
    assert.equal(note.status, 201);
    assert.equal(note.body.authorUserId, null, 'an API key has no user');
    const t = await c.call('GET', `/api/v1/contacts/${p.id}/timeline`);
    assert.equal(t.status, 200);
    assert.deepEqual(t.body.items.map((i: any) => i.summary), ['Prefers e-mail', 'Asked about delivery']);
    assert.deepEqual(t.body.items[1].linked, [{ type: 'order', id: 'A-1' }]);
    assert.equal(t.body.items[1].direction, 'inbound');
    assert.equal(t.body.items[1].occurredAt, '2024-01-02T10:00:00.000Z');
    const calls = await c.call('GET', `/api/v1/contacts/${p.id}/timeline?channel=call`);
    assert.deepEqual(calls.body.items.map((i: any) => i.channel), ['call']);
    const byType = await c.call('GET', `/api/v1/contacts/${p.id}/timeline?type=note`);
    assert.deepEqual(byType.body.items.map((i: any) => i.type), ['note']);
    assert.deepEqual(await auditActions(env(), c.ws.workspaceId, p.id), ['person.create', 'interaction.create', 'interaction.create']);
  });

  it('records the signed-in user as author', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Anna' });
    const login = await env().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: c.ws.adminEmail, password: c.ws.adminPassword } });
    if (login.statusCode !== 200) return assert.fail(`login failed: ${login.statusCode} ${login.body}`);
    const cookie = login.headers['set-cookie'];
    const csrf = login.json().csrfToken;
    const res = await env().app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${p.id}/timeline`,
      headers: { cookie: Array.isArray(cookie) ? cookie.join('; ') : String(cookie), 'x-csrf-token': csrf },
      payload: { channel: 'meeting', summary: 'Met at the fair' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().authorUserId, c.ws.userId);
  });

  it('pages through a long timeline without gaps, even within one millisecond', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Busy' });
    // Entries written by other capabilities share timestamps to the microsecond: a JS Date cursor would lose them.
    await env().engine.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 45; i++) {
        await appendInteraction(trx, { workspaceId: c.ws.workspaceId, contactId: p.id, channel: 'web', type: 'page.view', summary: `view ${i}` });
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await c.call('GET', `/api/v1/contacts/${p.id}/timeline?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      seen.push(...r.body.items.map((i: any) => i.summary));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 45);
    assert.equal(new Set(seen).size, 45);
    assert.equal(seen[0], 'view 44', 'same time: the later id first');
  });

  it('refuses unknown channels, bad dates, oversized text and forged cursors', async () => {
    const c = await client(env());
    const p = await createPerson(c, { firstName: 'Anna' });
    const url = `/api/v1/contacts/${p.id}/timeline`;
    const bad: Array<[unknown, string]> = [
      [{ channel: 'telepathy' }, 'channel'],
      [{ channel: 'order' }, 'channel'],
      [{ channel: 'note', occurredAt: 'yesterday' }, 'occurredAt'],
      [{ channel: 'note', summary: 'x'.repeat(501) }, 'summary'],
      [{ channel: 'note', linked: Array.from({ length: 10_000 }, () => ({ type: 'a', id: 'b' })) }, 'linked'],
      [{ channel: 'note', type: 'DROP TABLE' }, 'type'],
      [{ channel: 'note', authorUserId: c.ws.userId }, '_'],
    ];
    for (const [body, field] of bad) {
      const r = await c.call('POST', url, body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 60));
      assert.ok(Object.keys(r.body.error.fields).some((k) => k.startsWith(field)), `${field}: ${JSON.stringify(r.body.error.fields)}`);
    }
    assert.equal((await c.call('POST', url, { channel: 'note', body: 'x'.repeat(2_000_000) })).status, 413);
    assert.equal((await c.call('GET', `${url}?channel=telepathy`)).status, 400);
    assert.equal((await c.call('GET', `${url}?cursor=${Buffer.from('["x","1"]').toString('base64url')}`)).status, 400);
    assert.equal((await c.call('GET', `${url}?cursor=${Buffer.from('["2024-01-01T00:00:00Z","1 or 1=1"]').toString('base64url')}`)).status, 400);
    const script = await c.call('POST', url, { channel: 'note', summary: '<script>alert(1)</script>', body: "'; DROP TABLE interactions;--" });
    assert.equal(script.status, 201);
    const back = await c.call('GET', url);
    assert.equal(back.body.items[0].summary, '<script>alert(1)</script>');
    assert.equal(back.body.items[0].body, "'; DROP TABLE interactions;--");
  });

  it('keeps timelines to their workspace and lets analysts read but not write', async () => {
    const a = await client(env());
    const b = await client(env());
    const p = await createPerson(a, { firstName: 'Anna' });
    assert.equal((await b.call('GET', `/api/v1/contacts/${p.id}/timeline`)).status, 404);
    assert.equal((await b.call('POST', `/api/v1/contacts/${p.id}/timeline`, { channel: 'note', summary: 'x' })).status, 404);
    assert.equal((await b.call('GET', `/api/v1/contacts/${p.id}/360`)).status, 404);
    const analyst = await a.as('analyst');
    assert.equal((await analyst.call('GET', `/api/v1/contacts/${p.id}/timeline`)).status, 200);
    assert.equal((await analyst.call('POST', `/api/v1/contacts/${p.id}/timeline`, { channel: 'note', summary: 'x' })).status, 403);
  });

  it('shows the 360 view: profile, company, order figures, newest timeline and open complaints', async () => {
    const c = await client(env());
    const acme = await createCompany(c, { name: 'Acme Oy' });
    const p = await createPerson(c, { firstName: 'Anna', lastName: 'Virtanen', companyId: acme.id, emails: ['anna@example.com'] });
    for (let i = 0; i < 25; i++) {
      await c.call('POST', `/api/v1/contacts/${p.id}/timeline`, { channel: 'note', summary: `note ${i}`, occurredAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() });
    }
    const product = await c.call('POST', '/api/v1/products', { sku: 'TEA-1', name: 'Green tea', priceMinor: 450, currency: 'EUR' });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    const order = await c.call('POST', '/api/v1/orders', { contactId: p.id, currency: 'EUR', lines: [{ sku: 'TEA-1', quantity: 2 }] });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const complaint = await c.call('POST', '/api/v1/complaints', { contactId: p.id, subject: 'Broken cup' });
    assert.equal(complaint.status, 201, JSON.stringify(complaint.body));

    const r = await c.call('GET', `/api/v1/contacts/${p.id}/360`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.contact.name, 'Anna Virtanen');
    assert.deepEqual(r.body.contact.company, { id: acme.id, name: 'Acme Oy' });
    assert.equal(r.body.figures.orderCount, 1);
    assert.equal(r.body.figures.totalMinor, 900);
    assert.equal(r.body.complaintsOpen, 1);
    assert.equal(r.body.timeline.items.length, 20);
    assert.ok(r.body.timeline.nextCursor);
    const times = r.body.timeline.items.map((i: any) => i.occurredAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    const channels = new Set(r.body.timeline.items.map((i: any) => i.channel));
    assert.ok(channels.has('order') && channels.has('complaint'), 'orders and complaints land on the same timeline');

    const fresh = await createPerson(c, { firstName: 'New' });
    const empty = await c.call('GET', `/api/v1/contacts/${fresh.id}/360`);
    assert.equal(empty.body.figures.orderCount, 0);
    assert.equal(empty.body.contact.company, null);
    assert.deepEqual(empty.body.timeline, { items: [], nextCursor: null });
    assert.equal(empty.body.complaintsOpen, 0);
  });
});
