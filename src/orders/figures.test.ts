import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { getOrderFigures, reassignOrdersOnMerge, recomputeOrderFiguresForWorkspace } from './figures.ts';
import { client, createPerson, order, product } from './test-fixtures.ts';

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString();

forEachEngine('Order figures', (env) => {
  async function setup() {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const db = env().engine.db;
    const contactId = await createPerson(db, ws.workspaceId, { name: 'Buyer' });
    await product(api, 'TEA', 1000);
    await product(api, 'CUP', 500);
    const figures = (id = contactId) => getOrderFigures(db, ws.workspaceId, id);
    return { ws, api, db, contactId, figures };
  }

  async function statsOf(workspaceId: string) {
    const rows = await env()
      .engine.db.selectFrom('contact_order_stats')
      .select(['contact_id', 'first_order_at', 'last_order_at', 'order_count', 'total_minor', 'avg_minor', 'median_gap_days', 'favourite_product_id', 'favourite_sku', 'amount_due_minor'])
      .select(['settled_orders', 'late_orders', 'days_late_avg', 'unpaid_due_at'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('contact_id')
      .execute();
    return rows.map((r) => ({ ...r, order_count: Number(r.order_count), total_minor: Number(r.total_minor), avg_minor: Number(r.avg_minor), amount_due_minor: Number(r.amount_due_minor), median_gap_days: r.median_gap_days === null ? null : Number(r.median_gap_days), days_late_avg: r.days_late_avg === null ? null : Number(r.days_late_avg) }));
  }

  it('gives zeros in the workspace currency for a customer who never ordered', async () => {
    const { ws, db, figures } = await setup();
    assert.deepEqual(await figures(), {
      firstOrderAt: null, lastOrderAt: null, orderCount: 0, totalMinor: 0, averageMinor: 0,
      medianGapDays: null, favouriteProduct: null, amountDueMinor: 0, currency: 'EUR',
      payments: { settledOrders: 0, lateOrders: 0, onTimeShare: null, averageDaysLate: null, oldestUnpaidDueAt: null, daysOverdue: 0, paymentTermsDays: 14 },
    });
    await db.updateTable('workspaces').set({ currency: 'SEK' }).where('id', '=', ws.workspaceId).execute();
    assert.equal((await figures()).currency, 'SEK');
  });

  it('keeps dates, count, total, average and median gap current on every order', async () => {
    const { api, contactId, figures } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    let f = await figures();
    assert.deepEqual([f.orderCount, f.totalMinor, f.averageMinor, f.medianGapDays], [1, 1000, 1000, null]);
    await order(api, { contactId, orderedAt: day(10), lines: [{ sku: 'TEA', quantity: 1, unitPriceMinor: 1001 }] });
    f = await figures();
    // 2001 / 2 = 1000.5: rounded half away from zero
    assert.deepEqual([f.orderCount, f.totalMinor, f.averageMinor, f.medianGapDays], [2, 2001, 1001, 10]);
    await order(api, { contactId, orderedAt: day(13), lines: [{ sku: 'CUP', quantity: 2 }] });
    await order(api, { contactId, orderedAt: day(33), lines: [{ sku: 'CUP', quantity: 2 }] });
    f = await figures();
    assert.equal(f.firstOrderAt, day(0));
    assert.equal(f.lastOrderAt, day(33));
    assert.equal(f.orderCount, 4);
    assert.equal(f.totalMinor, 4001);
    assert.equal(f.averageMinor, 1000); // 1000.25
    assert.equal(f.medianGapDays, 10); // gaps 10, 3, 20
    assert.equal(f.amountDueMinor, 4001);
    // An order placed late but dated in the past moves first/last and the gaps, not just the tail.
    await order(api, { contactId, orderedAt: day(-2), lines: [{ sku: 'CUP', quantity: 1 }] });
    f = await figures();
    assert.equal(f.firstOrderAt, day(-2));
    assert.equal(f.medianGapDays, 6.5); // gaps 2, 10, 3, 20
  });

  it('counts only ordered, delivered and paid orders, and follows status changes', async () => {
    const { api, contactId, figures } = await setup();
    await order(api, { contactId, status: 'inquiry', lines: [{ sku: 'TEA', quantity: 9 }] });
    await order(api, { contactId, status: 'cancelled', lines: [{ sku: 'TEA', quantity: 9 }] });
    assert.equal((await figures()).orderCount, 0);
    const o = await order(api, { contactId, status: 'delivered', lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId, status: 'paid', lines: [{ sku: 'CUP', quantity: 1 }] });
    let f = await figures();
    // The order marked paid counts in the totals but is not owed (decision 0025).
    assert.deepEqual([f.orderCount, f.totalMinor, f.amountDueMinor], [2, 1500, 1000]);
    await api.patch(`/api/v1/orders/${o.id}/status`, { status: 'returned' });
    f = await figures();
    assert.deepEqual([f.orderCount, f.totalMinor, f.amountDueMinor], [1, 500, 0]);
  });

  it('leaves orders and payments in other currencies out of money sums only', async () => {
    const { api, contactId, figures } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    await order(api, { contactId, orderedAt: day(4), currency: 'SEK', lines: [{ sku: 'TEA', quantity: 5, unitPriceMinor: 9999 }] });
    await api.post('/api/v1/payments', { contactId, amountMinor: 400, currency: 'SEK' });
    const f = await figures();
    assert.deepEqual(
      [f.orderCount, f.totalMinor, f.averageMinor, f.amountDueMinor, f.medianGapDays, f.lastOrderAt, f.favouriteProduct?.sku],
      [2, 1000, 1000, 1000, 4, day(4), 'TEA'],
    );
  });

  it('names the most-bought product as favourite, the most recent one on a tie', async () => {
    const { api, contactId, figures } = await setup();
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 2 }] });
    await order(api, { contactId, orderedAt: day(5), lines: [{ sku: 'CUP', quantity: 2 }] });
    let fav = (await figures()).favouriteProduct;
    assert.equal(fav?.sku, 'CUP');
    assert.equal(fav?.name, 'Product CUP');
    await order(api, { contactId, orderedAt: day(1), lines: [{ sku: 'TEA', quantity: 1 }] });
    fav = (await figures()).favouriteProduct;
    assert.equal(fav?.sku, 'TEA');
    // Cancelled orders buy nothing.
    await order(api, { contactId, status: 'cancelled', lines: [{ sku: 'CUP', quantity: 50 }] });
    assert.equal((await figures()).favouriteProduct?.sku, 'TEA');
  });

  it('computes the amount due from counted orders minus payments, never below zero', async () => {
    const { api, contactId, figures } = await setup();
    const o = await order(api, { contactId, lines: [{ sku: 'TEA', quantity: 3 }] });
    await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 1000 });
    assert.equal((await figures()).amountDueMinor, 2000);
    await api.post('/api/v1/payments', { contactId, amountMinor: 5000 });
    assert.equal((await figures()).amountDueMinor, 0);
    await order(api, { contactId, lines: [{ sku: 'TEA', quantity: 4 }] });
    assert.equal((await figures()).amountDueMinor, 1000, 'the overpayment is credit against later orders');
  });

  it('gives the same figures from the workspace-wide recompute as the per-write path', async () => {
    const { ws, api, db } = await setup();
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => createPerson(db, ws.workspaceId, { name: `P${i}` })));
    const statuses = ['ordered', 'delivered', 'paid', 'inquiry', 'cancelled', 'ordered', 'paid'];
    for (const [i, contactId] of people.entries()) {
      for (let k = 0; k <= i; k++) {
        const o = await order(api, {
          contactId,
          status: statuses[(i + k) % statuses.length],
          currency: k === 2 ? 'SEK' : 'EUR',
          orderedAt: day(i * 3 + k * k * 5),
          lines: [{ sku: k % 2 ? 'TEA' : 'CUP', quantity: 1 + ((i * k) % 3), unitPriceMinor: 100 + i * 37 + k }],
        });
        if (k === 1) await api.patch(`/api/v1/orders/${o.id}/status`, { status: o.status === 'ordered' ? 'delivered' : o.status === 'delivered' ? 'returned' : 'ordered' });
      }
      if (i % 2) await api.post('/api/v1/payments', { contactId, amountMinor: 50 + i * 100 });
    }
    const perWrite = await statsOf(ws.workspaceId);
    assert.ok(perWrite.length >= 5);

    // Simulate a bulk load that bypassed the write path: figures gone or wrong.
    await db.deleteFrom('contact_order_stats').where('workspace_id', '=', ws.workspaceId).where('contact_id', '=', people[5]!).execute();
    await db.updateTable('contact_order_stats').set({ order_count: 99, amount_due_minor: 1 }).where('workspace_id', '=', ws.workspaceId).execute();
    const stale = await createPerson(db, ws.workspaceId);
    await db.insertInto('contact_order_stats').values({ contact_id: stale, workspace_id: ws.workspaceId, order_count: 3 }).execute();

    await recomputeOrderFiguresForWorkspace(db, ws.workspaceId);
    assert.deepEqual(await statsOf(ws.workspaceId), perWrite);
    await recomputeOrderFiguresForWorkspace(db, ws.workspaceId);
    assert.deepEqual(await statsOf(ws.workspaceId), perWrite, 'running it twice changes nothing');
  });

  it('fills the figures of orders loaded in bulk without the API, touching no other workspace', async () => {
    const { ws, db, contactId, figures } = await setup();
    const other = await setup();
    const before = await statsOf(other.ws.workspaceId);
    for (const [n, at] of [[1, day(0)], [2, day(6)], [3, day(8)]] as const) {
      const o = await db.insertInto('orders').values({ workspace_id: ws.workspaceId, contact_id: contactId, status: 'ordered', currency: 'EUR', total_minor: n * 100, ordered_at: at }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('order_lines').values({ workspace_id: ws.workspaceId, order_id: o.id, product_id: null, sku: 'LEGACY', name: 'Imported', quantity: n, unit_price_minor: 100, line_total_minor: n * 100 }).execute();
    }
    assert.equal((await figures()).orderCount, 0, 'nothing recomputes on read');
    await recomputeOrderFiguresForWorkspace(db, ws.workspaceId);
    const f = await figures();
    assert.deepEqual(
      [f.orderCount, f.totalMinor, f.averageMinor, f.medianGapDays, f.amountDueMinor, f.favouriteProduct],
      [3, 600, 200, 4, 600, { id: null, sku: 'LEGACY', name: null }],
    );
    assert.deepEqual(await statsOf(other.ws.workspaceId), before);
  });

  it('moves orders, payments and complaints on merge and recomputes both customers', async () => {
    const { ws, api, db, contactId, figures } = await setup();
    const dup = await createPerson(db, ws.workspaceId, { name: 'Duplicate' });
    await order(api, { contactId, orderedAt: day(0), lines: [{ sku: 'TEA', quantity: 1 }] });
    const o = await order(api, { contactId: dup, orderedAt: day(10), lines: [{ sku: 'CUP', quantity: 4 }] });
    await api.post('/api/v1/payments', { orderId: o.id, amountMinor: 300 });
    await api.post('/api/v1/complaints', { contactId: dup, orderId: o.id, subject: 'Broken cup' });

    await db.transaction().execute((trx) => reassignOrdersOnMerge(trx, ws.workspaceId, dup, contactId));
    const f = await figures();
    assert.deepEqual([f.orderCount, f.totalMinor, f.amountDueMinor, f.medianGapDays, f.favouriteProduct?.sku], [2, 3000, 2700, 10, 'CUP']);
    const gone = await figures(dup);
    assert.deepEqual([gone.orderCount, gone.totalMinor, gone.amountDueMinor], [0, 0, 0]);
    const leftovers = await Promise.all(
      (['orders', 'payments', 'complaints'] as const).map((t) => db.selectFrom(t).select('id').where('contact_id', '=', dup).execute()),
    );
    assert.deepEqual(leftovers.map((r) => r.length), [0, 0, 0]);
    const stats = await db.selectFrom('contact_order_stats').select('contact_id').where('contact_id', '=', dup).execute();
    assert.equal(stats.length, 0, 'the merged-away customer keeps no figures row');

    const strangerWs = await env().workspace();
    const stranger = await createPerson(db, strangerWs.workspaceId);
    await assert.rejects(() => reassignOrdersOnMerge(db, ws.workspaceId, stranger, contactId), /not found/);
  });

  it('stays exact when orders for one customer arrive concurrently', async () => {
    const { ws, api, contactId, figures } = await setup();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        order(api, { contactId, orderedAt: day(i * 2), lines: [{ sku: 'TEA', quantity: 1 }] }),
      ).concat([api.post('/api/v1/payments', { contactId, amountMinor: 700 }).then((r) => assert.equal(r.status, 201))]),
    );
    const f = await figures();
    assert.deepEqual([f.orderCount, f.totalMinor, f.amountDueMinor, f.medianGapDays], [8, 8000, 7300, 2]);
    const perWrite = await statsOf(ws.workspaceId);
    await recomputeOrderFiguresForWorkspace(env().engine.db, ws.workspaceId);
    assert.deepEqual(await statsOf(ws.workspaceId), perWrite);
  });
});
