import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { signIn } from '../auth/test-support.ts';
import { runOneJob } from '../platform/jobs.ts';
import { getOrderFigures } from './figures.ts';
import { FIGURES_VERSION, figuresJobHandlers, queueStaleFigures } from './figures-upgrade.ts';
import { client, createPerson, order, product } from './test-fixtures.ts';

// Payment reliability (REQUIREMENTS §1): how punctually a customer pays, whether they owe money
// past its due date, kept on every order and payment write like the other order figures.

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * DAY).toISOString();
const daysSince = (iso: string) => Math.floor((Date.now() - Date.parse(iso)) / DAY);
const silentLog = { info() {}, warn() {}, error() {}, debug() {} } as never;

forEachEngine('Payment reliability', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId, { name: 'Payer' });
    await product(api, 'TEA', 1000);
    const figures = async (id = contactId) => (await getOrderFigures(db, ws.workspaceId, id)).payments;
    const pay = async (amountMinor: number, paidAt: string, orderId?: string) => {
      const res = await api.post('/api/v1/payments', orderId ? { orderId, amountMinor, paidAt } : { contactId, amountMinor, paidAt });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    return { ws, api, db, contactId, figures, pay };
  }

  it('settles the oldest orders first and counts whole days paid after the due date', async () => {
    const { api, contactId, figures, pay } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] }); // due day 14
    await order(api, { contactId, orderedAt: day(10), lines: [{ sku: 'TEA', quantity: 1, unitPriceMinor: 500 }] }); // due day 24
    let f = await figures();
    assert.equal(f.settledOrders, 0);
    assert.equal(f.oldestUnpaidDueAt, day(14));
    assert.equal(f.daysOverdue, daysSince(day(14)));

    await pay(1000, day(12)); // names no order: pays the oldest, two days early
    f = await figures();
    assert.deepEqual([f.settledOrders, f.lateOrders, f.onTimeShare, f.averageDaysLate, f.oldestUnpaidDueAt], [1, 0, 1, 0, day(24)]);

    await pay(200, day(25)); // not enough for the second order
    assert.equal((await figures()).oldestUnpaidDueAt, day(24));
    await pay(300, day(27)); // covers it three days late
    f = await figures();
    assert.deepEqual([f.settledOrders, f.lateOrders, f.onTimeShare, f.averageDaysLate], [2, 1, 0.5, 1.5]);
    assert.deepEqual([f.oldestUnpaidDueAt, f.daysOverdue], [null, 0]);
  });

  it('counts a payment less than a day past due as on time, and money paid ahead as credit', async () => {
    const { api, contactId, figures, pay } = await setup();
    await pay(3000, day(-5)); // a deposit before any order
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    let f = await figures();
    assert.deepEqual([f.settledOrders, f.lateOrders, f.oldestUnpaidDueAt], [1, 0, null]);
    await order(api, { contactId, orderedAt: day(1), lines: [{ sku: 'TEA', quantity: 3 }] }); // 2000 of credit left for 3000
    await pay(1000, new Date(Date.parse(day(15)) + 23 * 3_600_000).toISOString()); // 23 hours after the due time
    f = await figures();
    assert.deepEqual([f.settledOrders, f.lateOrders, f.averageDaysLate], [2, 0, 0]);
  });

  it('takes an order marked paid as paid even without a payment, and never as overdue', async () => {
    const { ws, api, db, contactId, figures, pay } = await setup();
    const imported = await order(api, { contactId, status: 'paid', orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 2 }] });
    let f = await figures();
    assert.deepEqual([f.settledOrders, f.oldestUnpaidDueAt, f.daysOverdue], [0, null, 0], 'paid, but nothing known of when');
    assert.equal((await getOrderFigures(db, ws.workspaceId, contactId)).amountDueMinor, 0);

    // A payment naming the order marked paid belongs to it (20 days late) and pays nothing else.
    await pay(2000, day(34), imported.id);
    const open = await order(api, { contactId, orderedAt: day(40), lines: [{ sku: 'TEA', quantity: 1 }] });
    f = await figures();
    assert.deepEqual([f.settledOrders, f.lateOrders, f.averageDaysLate, f.oldestUnpaidDueAt], [1, 1, 20, day(54)]);
    for (const status of ['delivered', 'paid']) assert.equal((await api.patch(`/api/v1/orders/${open.id}/status`, { status })).status, 200);
    f = await figures();
    assert.deepEqual([f.oldestUnpaidDueAt, f.daysOverdue], [null, 0]);
  });

  it("uses an order's own due date, which can be changed later or handed back to the terms", async () => {
    const { api, contactId, figures, pay } = await setup();
    const o = await order(api, { contactId, orderedAt: day(0), dueAt: day(30), lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(o.dueAt, day(30));
    await pay(1000, day(20));
    assert.equal((await figures()).lateOrders, 0, 'day 20 is within the agreed 30 days');

    const back = await api.patch(`/api/v1/orders/${o.id}/due-date`, { dueAt: null });
    assert.equal(back.status, 200);
    assert.equal(back.body.dueAt, null);
    assert.deepEqual([(await figures()).lateOrders, (await figures()).averageDaysLate], [1, 6], 'the 14-day terms: paid 6 days late');

    const moved = await api.patch(`/api/v1/orders/${o.id}/due-date`, { dueAt: day(25) });
    assert.equal(moved.body.dueAt, day(25));
    assert.equal((await figures()).lateOrders, 0);
  });

  it('refuses due dates before the order, in other shapes, or on orders of another workspace', async () => {
    const { api, contactId } = await setup();
    const early = await api.post('/api/v1/orders', { contactId, orderedAt: day(10), dueAt: day(9), lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(early.status, 400);
    assert.ok(early.body.error.fields.dueAt);
    // Due on the order's own day, by date (midnight) for an order placed that afternoon: pay on the day.
    const sameDay = await api.post('/api/v1/orders', { contactId, orderedAt: '2024-01-11T14:30:00Z', dueAt: day(10), lines: [{ sku: 'TEA', quantity: 1 }] });
    assert.equal(sameDay.status, 201, JSON.stringify(sameDay.body));
    const o = await order(api, { contactId, orderedAt: day(10), lines: [{ sku: 'TEA', quantity: 1 }] });
    for (const body of [{ dueAt: day(9) }, { dueAt: 'next week' }, { dueAt: 42 }, {}, { dueAt: day(20), status: 'paid' }]) {
      const res = await api.patch(`/api/v1/orders/${o.id}/due-date`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const stranger = client(env().app, (await env().workspace()).headers);
    assert.equal((await stranger.patch(`/api/v1/orders/${o.id}/due-date`, { dueAt: day(20) })).status, 404);
    assert.equal((await api.get(`/api/v1/orders/${o.id}`)).body.dueAt, null, 'nothing changed');
  });

  it("recomputes every customer's figures in the background when the payment terms change", async () => {
    const { ws, api, contactId, figures, pay } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    await pay(1000, day(20));
    assert.equal((await figures()).lateOrders, 1);

    for (const bad of [-1, 366, 7.5, '30', null]) {
      assert.equal((await api.patch('/api/v1/workspace', { paymentTermsDays: bad })).status, 400, String(bad));
    }
    const res = await api.patch('/api/v1/workspace', { paymentTermsDays: 30 });
    assert.equal(res.status, 200);
    assert.equal(res.body.paymentTermsDays, 30);
    assert.equal((await figures()).lateOrders, 1, 'not yet: the recompute runs as a job');
    while (await runOneJob(env().engine, silentLog, figuresJobHandlers));
    const f = await figures();
    assert.deepEqual([f.lateOrders, f.paymentTermsDays], [0, 30]);
    const jobs = await env().engine.db.selectFrom('jobs').select(['kind', 'state']).where('workspace_id', '=', ws.workspaceId).where('kind', '=', 'orders.figures').execute();
    assert.deepEqual(jobs, [{ kind: 'orders.figures', state: 'succeeded' }]);
  });

  it('recomputes the money figures in the new currency when the workspace currency changes', async () => {
    const { ws, api, db, contactId } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId, orderedAt: day(1), currency: 'SEK', lines: [{ sku: 'TEA', quantity: 3, unitPriceMinor: 7000 }] });
    const money = async () => {
      const f = await getOrderFigures(db, ws.workspaceId, contactId);
      return [f.currency, f.totalMinor, f.amountDueMinor, f.payments.oldestUnpaidDueAt];
    };
    assert.deepEqual(await money(), ['EUR', 1000, 1000, day(14)]);
    assert.equal((await api.patch('/api/v1/workspace', { currency: 'SEK' })).status, 200);
    while (await runOneJob(env().engine, silentLog, figuresJobHandlers));
    assert.deepEqual(await money(), ['SEK', 21000, 21000, day(15)]);
  });

  it('computes the figures once for workspaces whose stored figures predate them', async () => {
    const { ws, api, db, contactId, figures } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    // As left by a release before these figures: columns at their defaults, an older version.
    await db.updateTable('contact_order_stats').set({ unpaid_due_at: null }).where('contact_id', '=', contactId).execute();
    await db.updateTable('workspaces').set({ figures_version: 0 }).where('id', '=', ws.workspaceId).execute();
    assert.equal((await figures()).oldestUnpaidDueAt, null);

    assert.ok((await queueStaleFigures(db)) >= 1);
    while (await runOneJob(env().engine, silentLog, figuresJobHandlers));
    assert.equal((await figures()).oldestUnpaidDueAt, day(14));
    const v = await db.selectFrom('workspaces').select('figures_version').where('id', '=', ws.workspaceId).executeTakeFirstOrThrow();
    assert.equal(v.figures_version, FIGURES_VERSION);
  });

  it('lists receivables longest overdue first, with their payment figures, page by page', async () => {
    const { ws, api, db } = await setup();
    const names = ['Late Lisa', 'Later Lars', 'Current Carl', 'Paid Pia'];
    const ids: string[] = [];
    for (const name of names) ids.push(await createPerson(db, ws.workspaceId, { name }));
    await order(api, { contactId: ids[0], orderedAt: day(100), lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId: ids[1], orderedAt: day(50), lines: [{ sku: 'TEA', quantity: 5 }] });
    await order(api, { contactId: ids[2], dueAt: new Date(Date.now() + 30 * DAY).toISOString(), lines: [{ sku: 'TEA', quantity: 9 }] });
    await order(api, { contactId: ids[3], status: 'paid', orderedAt: day(10), lines: [{ sku: 'TEA', quantity: 1 }] });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.get(`/api/v1/receivables?sort=overdue&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200);
      for (const r of page.body.items) {
        seen.push(r.name);
        assert.ok(r.payments.daysOverdue > 0);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['Later Lars', 'Late Lisa'], 'not yet due and paid customers are left out');

    const byAmount = await api.get('/api/v1/receivables');
    assert.deepEqual(byAmount.body.items.map((r: any) => r.name), ['Current Carl', 'Later Lars', 'Late Lisa']);
    assert.equal(byAmount.body.items[0].payments.daysOverdue, 0);
    assert.equal((await api.get('/api/v1/receivables?sort=oldest')).status, 400);
    assert.equal((await api.get('/api/v1/receivables?sort=overdue&cursor=WzEsMl0')).status, 400);
  });

  it("lists an account manager's own debtors with ownerId=me, and refuses other owners' shapes", async () => {
    const { ws, api, db } = await setup();
    const mine = await createPerson(db, ws.workspaceId, { name: 'Mine' });
    const theirs = await createPerson(db, ws.workspaceId, { name: 'Theirs' });
    await db.updateTable('contacts').set({ owner_id: ws.userId }).where('id', '=', mine).execute();
    for (const contactId of [mine, theirs]) await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });

    const browser = client(env().app, (await signIn(env().app, ws.adminEmail, ws.adminPassword)).headers);
    for (const sort of ['amount', 'overdue']) {
      const me = await browser.get(`/api/v1/receivables?sort=${sort}&ownerId=me`);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body.items.map((r: any) => r.name), ['Mine'], sort);
      assert.equal((await browser.get(`/api/v1/receivables?sort=${sort}`)).body.items.length, 2);
    }
    assert.deepEqual((await api.get(`/api/v1/receivables?ownerId=${ws.userId}`)).body.items.map((r: any) => r.name), ['Mine']);
    const byKey = await api.get('/api/v1/receivables?ownerId=me');
    assert.equal(byKey.status, 400, 'an API key has no user to be "me"');
    assert.ok(byKey.body.error.fields['query.ownerId']);
    for (const bad of ['you', "me' or 1=1", '00000000-0000-4000-8000']) {
      assert.equal((await api.get(`/api/v1/receivables?ownerId=${encodeURIComponent(bad)}`)).status, 400, bad);
    }
  });
});
