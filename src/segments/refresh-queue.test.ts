import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine } from '../../test/support/harness.ts';
import { CONSENT, eventSource, mid, setupStore } from '../events/test-support.ts';
import { createLogger } from '../platform/log.ts';
import { drainRefreshQueue, startRefreshLoop } from './refresh-queue.ts';
import { client, daysAgo, person, sorted, type Client } from './test-support.ts';

// Membership kept current between scheduled rebuilds: a write that touches a customer (an order,
// an event, an identify, a profile edit, a hand-kept list) moves them into or out of segments,
// with the entry or exit recorded, while the worker's refresh loop runs and nobody rebuilds.

async function dynamic(c: Client, name: string, rule: unknown): Promise<string> {
  const r = await c.call('POST', '/api/v1/segments', { name, kind: 'dynamic', rule });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
const members = async (c: Client, id: string): Promise<string[]> => sorted((await c.call('GET', `/api/v1/segments/${id}/members`)).body.items.map((m: any) => m.id));
const history = async (c: Client, id: string): Promise<string[]> =>
  (await c.call('GET', `/api/v1/segments/${id}/history?limit=200`)).body.items.map((h: any) => `${h.contactId} ${h.change} ${h.cause}`);

/** Polls until `check` holds (the worker runs on its own clock); fails after a generous deadline. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isMember = (c: Client, seg: string, id: string) => async () => (await members(c, seg)).includes(id);
const isNotMember = (c: Client, seg: string, id: string) => async () => !(await members(c, seg)).includes(id);

async function placeOrder(c: Client, contactId: string, orderedAt?: Date, priceMinor = 2500): Promise<string> {
  const product = await c.call('POST', '/api/v1/products', { sku: 'TEA', name: 'Tea', priceMinor, currency: 'EUR' });
  assert.ok(product.status === 201 || product.status === 409, JSON.stringify(product.body));
  const r = await c.call('POST', '/api/v1/orders', {
    contactId,
    ...(orderedAt ? { orderedAt: orderedAt.toISOString() } : {}),
    lines: [{ sku: 'TEA', quantity: 1, unitPriceMinor: priceMinor, name: 'Tea' }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

forEachEngine('Segment refresh on writes', (env) => {
  it('a bulk change of many customers is answered by one full build of the workspace', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const seg = await dynamic(c, 'VIP', { type: 'tag', op: 'has', value: 'vip' });
    const ids = [await person(c), await person(c), await person(c)];
    await drainRefreshQueue(env().engine.db, { workspaceId: ws });
    // What an import does: one statement over many rows, no service call per customer.
    await env().engine.db.updateTable('contacts').set({ tags: ['vip'] }).where('id', 'in', ids).execute();
    const r = await drainRefreshQueue(env().engine.db, { workspaceId: ws, fullAbove: 2 });
    assert.equal(r.fullRebuilds, 1);
    assert.deepEqual(await members(c, seg), sorted(ids));
    assert.deepEqual(sorted(await history(c, seg)), sorted(ids.map((id) => `${id} entered build`)));
    const left = await sql<{ n: string }>`select count(*) as n from contact_refresh_queue where workspace_id = ${ws}`.execute(env().engine.db);
    assert.equal(Number(left.rows[0]!.n), 0, 'the full build answered every queued customer');
  });

  it('an import-sized statement queues the workspace once, and the drain rebuilds it', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const seg = await dynamic(c, 'Imported VIPs', { type: 'tag', op: 'has', value: 'vip' });
    await sql`
      insert into contacts (workspace_id, kind, first_name, last_name, name, tags, source)
      select ${ws}::uuid, 'person', 'Imported', g::text, 'Imported ' || g, array['vip'], 'import'
      from generate_series(1, 2001) g`.execute(env().engine.db);
    const queued = await sql<{ n: string }>`select count(*) as n from contact_refresh_queue where workspace_id = ${ws}`.execute(env().engine.db);
    assert.equal(Number(queued.rows[0]!.n), 1, 'one row for the whole workspace, not one per customer');
    const r = await drainRefreshQueue(env().engine.db, { workspaceId: ws });
    assert.equal(r.fullRebuilds, 1);
    const size = (await c.call('GET', `/api/v1/segments/${seg}`)).body.health.size;
    assert.equal(size, 2001);
  });

  it('a write rolled back queues nobody, and a queued customer stays queued until a refresh commits', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const seg = await dynamic(c, 'VIP', { type: 'tag', op: 'has', value: 'vip' });
    const a = await person(c);
    await drainRefreshQueue(env().engine.db, { workspaceId: ws });
    await env()
      .engine.db.transaction()
      .execute(async (trx) => {
        await trx.updateTable('contacts').set({ tags: ['vip'] }).where('id', '=', a).execute();
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    assert.equal((await drainRefreshQueue(env().engine.db, { workspaceId: ws })).rows, 0);

    await env().engine.db.updateTable('contacts').set({ tags: ['vip'] }).where('id', '=', a).execute();
    // A refresh that fails (here: the segment's rule is made unreadable) leaves the customer queued.
    await env().engine.db.updateTable('segments').set({ rule: JSON.stringify({ type: 'no-such-condition' }) }).where('id', '=', seg).execute();
    const failed = await drainRefreshQueue(env().engine.db, { workspaceId: ws });
    assert.equal(failed.failed.length, 1);
    assert.deepEqual(await members(c, seg), []);
    await env().engine.db.updateTable('segments').set({ rule: JSON.stringify({ type: 'tag', op: 'has', value: 'vip' }) }).where('id', '=', seg).execute();
    const ok = await drainRefreshQueue(env().engine.db, { workspaceId: ws });
    assert.equal(ok.failed.length, 0);
    assert.deepEqual(await members(c, seg), [a]);
  });

  describe('with the worker running', () => {
    let loop: { stop(): Promise<void> } | undefined;
    before(() => {
      loop = startRefreshLoop({ engine: env().engine, log: createLogger('silent') });
    });
    after(async () => {
      await loop?.stop();
    });

    it('an order moves the customer into "bought in the last 30 days", cancelling it moves them out', async () => {
      const c = await client(env());
      const seg = await dynamic(c, 'Recent buyers', { type: 'purchases', op: 'at_least', count: 1, withinDays: 30 });
      const a = await person(c);
      const bystander = await person(c);
      const orderId = await placeOrder(c, a);
      await eventually('the buyer enters', isMember(c, seg, a));
      assert.deepEqual(await history(c, seg), [`${a} entered refresh`]);

      const cancel = await c.call('PATCH', `/api/v1/orders/${orderId}/status`, { status: 'cancelled' });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      await eventually('the buyer leaves', isNotMember(c, seg, a));
      assert.deepEqual(await history(c, seg), [`${a} exited refresh`, `${a} entered refresh`]);
      assert.ok(!(await members(c, seg)).includes(bystander));
    });

    it('tracked events and identify traits sent to /v1 change membership', async () => {
      const c = await client(env());
      const src = await eventSource(env(), c.ws);
      const signedUp = await dynamic(c, 'Signed up this week', { type: 'event', name: 'Signed Up', op: 'at_least', count: 1, withinDays: 7 });
      const finns = await dynamic(c, 'Finnish speakers', { type: 'profile', field: 'locale', op: 'eq', value: 'fi' });
      const named = await dynamic(c, 'Virtanens', { type: 'profile', field: 'name', op: 'contains', value: 'Virtanen' });

      const idf = await src.send('identify', { messageId: mid(), userId: 'u-42', traits: { email: 'aino@example.test', firstName: 'Aino' } });
      assert.equal(idf.status, 200, JSON.stringify(idf.body));
      const lookup = await c.call('GET', `/api/v1/contacts/lookup?externalId=${encodeURIComponent('segment:u-42')}`);
      assert.equal(lookup.status, 200, JSON.stringify(lookup.body));
      const id = lookup.body.id as string;

      const tr = await src.send('track', { messageId: mid(), userId: 'u-42', event: 'Signed Up' });
      assert.equal(tr.status, 200, JSON.stringify(tr.body));
      await eventually('the event puts the customer in the segment', isMember(c, signedUp, id));
      assert.deepEqual(await history(c, signedUp), [`${id} entered refresh`]);

      await src.send('identify', { messageId: mid(), userId: 'u-42', traits: { lastName: 'Virtanen' } });
      await eventually('the new last name puts the customer in the segment', isMember(c, named, id));
      assert.deepEqual(await members(c, finns), [], 'a segment the change does not concern stays as it was');
    });

    it('a profile edit moves the customer through segments that depend on segments, and a hand-kept list feeds its dependants', async () => {
      const c = await client(env());
      const vip = await dynamic(c, 'VIP', { type: 'tag', op: 'has', value: 'vip' });
      const vipFinns = await dynamic(c, 'Finnish VIPs', {
        op: 'and',
        rules: [{ type: 'segment', op: 'in', segmentId: vip }, { type: 'profile', field: 'locale', op: 'eq', value: 'fi' }],
      });
      const a = await person(c, { locale: 'fi' });
      const edit = await c.call('PATCH', `/api/v1/people/${a}`, { addTags: ['vip'] });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));
      await eventually('the tagged customer enters the dependent segment', isMember(c, vipFinns, a));
      assert.deepEqual(await members(c, vip), [a]);
      assert.deepEqual(await history(c, vipFinns), [`${a} entered refresh`]);

      await c.call('PATCH', `/api/v1/people/${a}`, { removeTags: ['vip'] });
      await eventually('the untagged customer leaves the dependent segment', isNotMember(c, vipFinns, a));
      assert.deepEqual(await members(c, vip), []);

      const list = (await c.call('POST', '/api/v1/segments', { name: 'Fair visitors', kind: 'static' })).body.id as string;
      const fromList = await dynamic(c, 'Fair visitors who speak Finnish', {
        op: 'and',
        rules: [{ type: 'segment', op: 'in', segmentId: list }, { type: 'profile', field: 'locale', op: 'eq', value: 'fi' }],
      });
      const added = await c.call('POST', `/api/v1/segments/${list}/members`, { contactIds: [a] });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      await eventually('adding to the list puts the customer in the dependent segment', isMember(c, fromList, a));
    });

    it('a presence sensor seeing a registered phone puts its owner in "visited a store this week"', async () => {
      const s = await setupStore(env());
      const c = await client(env(), s.ws);
      const seg = await dynamic(c, 'Store visitors', { type: 'store_visits', op: 'at_least', count: 1, withinDays: 7 });
      const reg = await s.call('POST', `/api/v1/contacts/${s.person.id}/devices`, { mac: 'a4:5e:60:d1:22:44', consentText: CONSENT });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const seen = await s.call('POST', `/api/v1/sensors/${s.sensor.id}/sightings`, { sightings: [{ mac: 'A4-5E-60-D1-22-44' }] }, s.sensorAuth);
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      await eventually('the visitor enters', isMember(c, seg, s.person.id));
      assert.deepEqual(await history(c, seg), [`${s.person.id} entered refresh`]);
    });

    it('orders with a growing gap raise the slowing flag without a recompute', async () => {
      const c = await client(env());
      const a = await person(c);
      for (const d of [200, 170, 140, 110]) await placeOrder(c, a, daysAgo(d));
      await eventually('the customer is flagged as slowing', async () => {
        const r = await c.call('GET', `/api/v1/contacts/${a}/flags`);
        return r.status === 200 && (r.body.items ?? r.body).some((f: any) => f.flag === 'slowing');
      });
      await placeOrder(c, a);
      await eventually('a new order clears the flag', async () => {
        const r = await c.call('GET', `/api/v1/contacts/${a}/flags`);
        return r.status === 200 && !(r.body.items ?? r.body).some((f: any) => f.flag === 'slowing');
      });
    });
  });
});
