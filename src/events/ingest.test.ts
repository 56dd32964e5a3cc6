import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { keyFor } from '../auth/test-support.ts';
import { basic, contactByExternal, contactOfEvent, eventRows, eventSource, mid, timelineOf } from './test-support.ts';

forEachEngine('Event ingestion (Segment API)', (env) => {
  it('lets an admin create a write key that is shown once and listed only by prefix', async () => {
    const ws = await env().workspace();
    const res = await env().app.inject({ method: 'POST', url: '/api/v1/event-sources', headers: ws.headers, payload: { name: 'Shop' } });
    assert.equal(res.statusCode, 201);
    const { writeKey, prefix } = res.json();
    assert.match(writeKey, /^wk_/);
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/event-sources', headers: ws.headers });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().items[0].prefix, prefix);
    assert.ok(!list.body.includes(writeKey), 'the key is never listed');
    const stored = await env().engine.db.selectFrom('event_sources').select('key_hash').where('workspace_id', '=', ws.workspaceId).execute();
    assert.ok(!JSON.stringify(stored).includes(writeKey), 'only the hash is stored');
  });

  it('keeps write keys to admins and refuses bad event-source input', async () => {
    const ws = await env().workspace();
    const marketer = await keyFor(env().engine, ws.workspaceId, 'marketer');
    const asMarketer = await env().app.inject({ method: 'POST', url: '/api/v1/event-sources', headers: marketer, payload: { name: 'x' } });
    assert.equal(asMarketer.statusCode, 403);
    const anon = await env().app.inject({ method: 'GET', url: '/api/v1/event-sources' });
    assert.equal(anon.statusCode, 401);
    for (const payload of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', extra: 1 }, { name: 42 }]) {
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/event-sources', headers: ws.headers, payload });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
    }
  });

  it('refuses events without a valid write key: missing, wrong, revoked, or an API key instead', async () => {
    const src = await eventSource(env());
    const track = { userId: 'u1', event: 'Viewed', messageId: mid() };
    const none = await env().app.inject({ method: 'POST', url: '/v1/track', payload: track });
    assert.equal(none.statusCode, 401);
    const wrong = await env().app.inject({ method: 'POST', url: '/v1/track', headers: basic('wk_nope'), payload: track });
    assert.equal(wrong.statusCode, 401);
    const apiKey = await env().app.inject({ method: 'POST', url: '/v1/track', headers: src.ws.headers, payload: track });
    assert.equal(apiKey.statusCode, 401, 'an API key is not a write key');
    const garbage = await env().app.inject({ method: 'POST', url: '/v1/track', headers: { authorization: 'Basic %%%' }, payload: track });
    assert.equal(garbage.statusCode, 401);
    const list = await env().app.inject({ method: 'GET', url: '/api/v1/event-sources', headers: src.ws.headers });
    const del = await env().app.inject({ method: 'DELETE', url: `/api/v1/event-sources/${list.json().items[0].id}`, headers: src.ws.headers });
    assert.equal(del.statusCode, 200);
    const revoked = await src.send('track', track);
    assert.equal(revoked.status, 401);
    assert.equal((await eventRows(env(), src.ws.workspaceId)).length, 0);
  });

  it('accepts the write key in the body (as Segment libraries also send it)', async () => {
    const src = await eventSource(env());
    const r = await env().app.inject({ method: 'POST', url: '/v1/batch', payload: { writeKey: src.writeKey, batch: [{ type: 'track', userId: 'u', event: 'E', messageId: mid() }] } });
    assert.equal(r.statusCode, 200, r.body);
  });

  it('creates the customer on identify and keeps their traits current', async () => {
    const src = await eventSource(env());
    const m1 = mid();
    const first = await src.send('identify', { userId: 'cust-1', messageId: m1, traits: { firstName: 'Aino', lastName: 'Virtanen', email: 'Aino@Example.com', plan: 'gold' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'stored');
    const contact = await contactByExternal(env(), src.ws, 'segment:cust-1');
    assert.ok(contact);
    assert.equal(contact.name, 'Aino Virtanen');
    assert.deepEqual(contact.emails, ['aino@example.com']);
    assert.equal(await contactOfEvent(env(), src.ws.workspaceId, m1), contact.id);
    assert.equal(first.body.contactId, undefined, 'answers never name customers');

    const second = await src.send('identify', { userId: 'cust-1', messageId: mid(), traits: { lastName: 'Korhonen', phone: '+358 40 123 4567' } });
    assert.equal(second.status, 200);
    const after = await contactByExternal(env(), src.ws, 'segment:cust-1');
    assert.equal(after.id, contact.id, 'no second customer');
    assert.equal(after.lastName, 'Korhonen');
    assert.deepEqual(after.phones, ['+358401234567']);
    assert.deepEqual(after.emails, ['aino@example.com'], 'traits not sent are kept');
  });

  it('links identify to an existing customer by e-mail instead of creating a duplicate', async () => {
    const src = await eventSource(env());
    const created = await env().app.inject({ method: 'POST', url: '/api/v1/people', headers: src.ws.headers, payload: { firstName: 'Matti', emails: ['matti@example.com'] } });
    const person = created.json();
    const m = mid();
    await src.send('identify', { userId: 'shop-77', messageId: m, traits: { email: 'MATTI@example.com' } });
    assert.equal(await contactOfEvent(env(), src.ws.workspaceId, m), person.id);
    const found = await contactByExternal(env(), src.ws, 'segment:shop-77');
    assert.equal(found.id, person.id);
  });

  it('gives earlier anonymous events to the customer once identified, and puts them on the timeline', async () => {
    const src = await eventSource(env());
    const anon = 'anon-' + mid();
    const pm = mid();
    const page = await src.send('page', { anonymousId: anon, name: 'Pricing', properties: { url: 'https://shop.test/pricing' }, messageId: pm });
    assert.equal(page.status, 200);
    assert.equal(await contactOfEvent(env(), src.ws.workspaceId, pm), null, 'unknown so far');
    await src.send('identify', { anonymousId: anon, userId: 'u-42', messageId: mid(), traits: { name: 'Liisa Laine' } });
    const contactId = (await contactByExternal(env(), src.ws, 'segment:u-42')).id;
    const rows = await eventRows(env(), src.ws.workspaceId);
    assert.ok(rows.every((e) => e.contact_id === contactId), 'back-filled');
    // Later events with only the anonymous id resolve through the link.
    const lm = mid();
    await src.send('track', { anonymousId: anon, event: 'Added to Cart', messageId: lm });
    assert.equal(await contactOfEvent(env(), src.ws.workspaceId, lm), contactId);
    const items = await timelineOf(env(), src.ws, contactId);
    const kinds = items.map((i) => `${i.channel}/${i.type}/${i.summary}`).sort();
    assert.deepEqual(kinds, ['event/event.identify/Identified', 'event/event.track/Added to Cart', 'web/web.page/Pricing']);
  });

  it('puts a known customer’s track on the timeline and stores the event append-only', async () => {
    const src = await eventSource(env());
    await src.send('identify', { userId: 'k1', messageId: mid(), traits: { firstName: 'Kari' } });
    const t = await src.send('track', { userId: 'k1', event: 'Order Completed', properties: { total: 42.5, sku: ['A'] }, timestamp: '2026-01-02T03:04:05Z', messageId: mid() });
    assert.equal(t.status, 200);
    const rows = await eventRows(env(), src.ws.workspaceId);
    const tr = rows.find((e) => e.type === 'track')!;
    assert.equal(tr.event, 'Order Completed');
    assert.deepEqual(tr.properties, { total: 42.5, sku: ['A'] });
    assert.equal(new Date(tr.occurred_at).toISOString(), '2026-01-02T03:04:05.000Z');
    const items = await timelineOf(env(), src.ws, (await contactByExternal(env(), src.ws, 'segment:k1')).id);
    assert.ok(items.some((i) => i.channel === 'event' && i.summary === 'Order Completed' && i.ref?.type === 'event'));
  });

  it('stores a retried messageId once, and refuses the same messageId with another event (422)', async () => {
    const src = await eventSource(env());
    const m = mid();
    const a = await src.send('track', { userId: 'r1', event: 'Clicked', properties: { a: 1, b: [2] }, messageId: m });
    // A retry: same event, its keys in another order, sent again later (sentAt and context differ).
    const b = await src.send('track', { userId: 'r1', event: 'Clicked', properties: { b: [2], a: 1 }, messageId: m, sentAt: new Date().toISOString(), context: { library: { name: 'x', version: '2' } } });
    const c = await src.send('track', { userId: 'r1', event: 'Something else', properties: { a: 1, b: [2] }, messageId: m });
    const d = await src.send('track', { userId: 'r1', event: 'Clicked', properties: { a: 2, b: [2] }, messageId: m });
    assert.deepEqual([a.status, b.status, c.status, d.status], [200, 200, 422, 422]);
    assert.deepEqual([a.body.status, b.body.status], ['stored', 'duplicate']);
    assert.match(c.body.error.fields.messageId[0], /different event/);
    const batch = await src.send('batch', {
      batch: [
        { type: 'track', userId: 'r1', event: 'Clicked', properties: { a: 1, b: [2] }, messageId: m },
        { type: 'identify', userId: 'r1', messageId: m },
        { type: 'track', userId: 'r1', event: 'Fresh', messageId: mid() },
      ],
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.results.map((r: any) => r.status), ['duplicate', 'conflict', 'stored']);
    assert.equal(batch.body.conflicts, 1);
    const rows = await eventRows(env(), src.ws.workspaceId);
    assert.equal(rows.length, 2, 'the first Clicked and the fresh event; nothing from the conflicts');
    assert.deepEqual(rows.find((r) => r.message_id === m)?.event, 'Clicked');
  });

  it('keeps the good events of a batch and names each refused one with its index and reason', async () => {
    const src = await eventSource(env());
    const r = await src.send('batch', {
      batch: [
        { type: 'track', userId: 'b1', event: 'Good', messageId: mid() },
        { type: 'track', userId: 'b1', messageId: mid() },
        { type: 'teleport', userId: 'b1', messageId: mid() },
        { type: 'track', event: 'Nobody', messageId: mid() },
        'not an object',
        { type: 'track', userId: 'b1', event: 'Big', properties: { blob: 'x'.repeat(33 * 1024) }, messageId: mid() },
        { type: 'page', anonymousId: 'a1', name: 'Home', messageId: mid() },
        { type: 'track', userId: 'b1', event: 'Future', timestamp: '2999-01-01T00:00:00Z', messageId: mid() },
        { type: 'track', userId: { $ne: 1 }, event: 'Injected', messageId: mid() },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.stored, 2);
    assert.equal(r.body.rejected, 7);
    const rejected = r.body.results.filter((x: any) => x.status === 'rejected');
    assert.deepEqual(rejected.map((x: any) => x.index), [1, 2, 3, 4, 5, 7, 8]);
    assert.match(rejected[0].reason, /event/);
    assert.match(rejected[2].reason, /userId or anonymousId/);
    assert.match(rejected[4].reason, /32 KB/);
    assert.equal((await eventRows(env(), src.ws.workspaceId)).length, 2);
  });

  it('answers 400 when every event of a batch is refused, and for a malformed envelope', async () => {
    const src = await eventSource(env());
    const all = await src.send('batch', { batch: [{ type: 'track' }, { nope: true }] });
    assert.equal(all.status, 400);
    assert.ok(all.body.error.fields['batch.0'] && all.body.error.fields['batch.1']);
    for (const payload of [{ batch: 'x' }, { batch: [] }, { events: [] }, [1, 2]]) {
      const r = await src.send('batch', payload);
      assert.equal(r.status, 400, JSON.stringify(payload));
    }
    const notJson = await src.send('track', '{"userId": ', { 'content-type': 'text/plain' });
    assert.equal(notJson.status, 400);
    const deep = await src.send('track', { userId: 'd', event: 'Deep', properties: JSON.parse('['.repeat(100) + ']'.repeat(100)) });
    assert.equal(deep.status, 400);
  });

  it('refuses bodies over Segment’s limits with 413: 32 KB per call, 500 KB per batch, 1000 events per batch', async () => {
    const src = await eventSource(env());
    const big = await src.send('track', { userId: 'z', event: 'Big', messageId: mid(), properties: { blob: 'x'.repeat(40 * 1024) } });
    assert.equal(big.status, 413);
    const ev = (i: number) => ({ type: 'track', userId: 'z', event: 'E', messageId: `m${i}`, properties: { blob: 'y'.repeat(20 * 1024) } });
    const huge = await src.send('batch', { batch: Array.from({ length: 30 }, (_, i) => ev(i)) });
    assert.equal(huge.status, 413);
    const many = await src.send('batch', { batch: Array.from({ length: 1001 }, (_, i) => ({ type: 'track', userId: 'z', event: 'E', messageId: `n${i}` })) });
    assert.equal(many.status, 413);
    assert.equal((await eventRows(env(), src.ws.workspaceId)).length, 0);
  });

  it('accepts JSON sent as text/plain (browser libraries avoid CORS preflights that way)', async () => {
    const src = await eventSource(env());
    const r = await src.send('track', JSON.stringify({ anonymousId: 'tp', event: 'Plain', messageId: mid() }), { 'content-type': 'text/plain' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  it('stores hostile ids verbatim and never mixes workspaces', async () => {
    const a = await eventSource(env());
    const b = await eventSource(env());
    const evil = "x'); drop table events; --";
    await b.send('identify', { userId: 'same-user', messageId: mid(), traits: { firstName: 'Bee' } });
    await a.send('identify', { userId: 'same-user', messageId: mid(), traits: { firstName: 'Aa' } });
    const inA = await contactByExternal(env(), a.ws, 'segment:same-user');
    const inB = await contactByExternal(env(), b.ws, 'segment:same-user');
    assert.notEqual(inA.id, inB.id, 'the same userId in another workspace is another customer');
    assert.equal(inA.firstName, 'Aa');
    assert.equal(inB.firstName, 'Bee');
    const t = await a.send('track', { userId: evil, event: evil, messageId: mid() });
    assert.equal(t.status, 200);
    const rows = await eventRows(env(), a.ws.workspaceId);
    assert.ok(rows.some((e) => e.user_id === evil && e.event === evil));
    // A messageId used in workspace B is independent of A.
    const shared = mid();
    await a.send('track', { userId: 'u', event: 'A', messageId: shared });
    const inOther = await b.send('track', { userId: 'u', event: 'B', messageId: shared });
    assert.equal(inOther.body.status, 'stored');
  });

  it('ignores an invalid e-mail trait but keeps the event', async () => {
    const src = await eventSource(env());
    const r = await src.send('identify', { userId: 'bad-mail', messageId: mid(), traits: { email: 'not-an-email', firstName: 'Ville' } });
    assert.equal(r.status, 200);
    assert.ok(r.body.warnings.some((w: string) => w.includes('traits.email')));
    const c = await contactByExternal(env(), src.ws, 'segment:bad-mail');
    assert.deepEqual(c.emails, []);
  });

  it('alias joins a previous anonymous id to the customer', async () => {
    const src = await eventSource(env());
    await src.send('identify', { userId: 'al-1', messageId: mid(), traits: { firstName: 'Olli' } });
    await src.send('track', { anonymousId: 'old-device', event: 'Browsed', messageId: mid() });
    const r = await src.send('alias', { previousId: 'old-device', userId: 'al-1', messageId: mid() });
    assert.equal(r.status, 200);
    const c = await contactByExternal(env(), src.ws, 'segment:al-1');
    const rows = await eventRows(env(), src.ws.workspaceId);
    assert.equal(rows.find((e) => e.event === 'Browsed')!.contact_id, c.id);
    const missing = await src.send('alias', { userId: 'al-1', messageId: mid() });
    assert.equal(missing.status, 400);
  });

  it('group puts the customer into a company', async () => {
    const src = await eventSource(env());
    await src.send('identify', { userId: 'g-1', messageId: mid(), traits: { firstName: 'Saara' } });
    const r = await src.send('group', { userId: 'g-1', groupId: 'acme', traits: { name: 'Acme Oy' }, messageId: mid() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const company = await contactByExternal(env(), src.ws, 'segment-group:acme');
    assert.equal(company.name, 'Acme Oy');
    const person = await contactByExternal(env(), src.ws, 'segment:g-1');
    assert.equal(person.companyId, company.id);
  });
});
