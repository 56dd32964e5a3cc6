import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { valueRankCondition } from './conditions.ts';
import { api, customerWithOrders } from './test-support.ts';

forEachEngine('Most valuable customers', (env) => {
  it('ranks customers by money spent inside the window only', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const c = api(env().app, ws.headers);
    const recent = await customerWithOrders(db, ws.workspaceId, 'Recent', [{ daysAgo: 10, totalMinor: 9_000 }, { daysAgo: 200, totalMinor: 1_000 }]);
    const old = await customerWithOrders(db, ws.workspaceId, 'Old whale', [{ daysAgo: 20, totalMinor: 5_000 }, { daysAgo: 700, totalMinor: 100_000 }]);
    const small = await customerWithOrders(db, ws.workspaceId, 'Small', [{ daysAgo: 5, totalMinor: 100 }]);
    await customerWithOrders(db, ws.workspaceId, 'Long gone', [{ daysAgo: 900, totalMinor: 50_000 }]);
    // A cancelled order never counts.
    await db.insertInto('orders').values({ workspace_id: ws.workspaceId, contact_id: small, status: 'cancelled', currency: 'EUR', total_minor: 1_000_000, ordered_at: new Date() }).execute();

    const year = await c.get('/api/v1/insights/valuable?windowDays=365&limit=50');
    assert.equal(year.status, 200);
    assert.equal(year.body.currency, 'EUR');
    assert.deepEqual(
      year.body.items.map((x: any) => [x.rank, x.name, x.valueMinor, x.orders]),
      [
        [1, 'Recent', 10_000, 2],
        [2, 'Old whale', 5_000, 1],
        [3, 'Small', 100, 1],
      ],
    );
    const longer = await c.get('/api/v1/insights/valuable?windowDays=1000&limit=2');
    assert.deepEqual(longer.body.items.map((x: any) => x.name), ['Old whale', 'Long gone']);
    assert.equal(longer.body.customers, 4);

    const ids = async (cond: ReturnType<typeof valueRankCondition>) =>
      (await db.selectFrom('contacts').select('id').where('workspace_id', '=', ws.workspaceId).where(cond).execute()).map((r) => r.id).sort();
    assert.deepEqual(await ids(valueRankCondition(ws.workspaceId, { topN: 1, windowDays: 365 })), [recent]);
    // Top 50% of 3 customers in the window = the best 2 (rounded up).
    assert.deepEqual(await ids(valueRankCondition(ws.workspaceId, { topPercent: 50, windowDays: 365 })), [recent, old].sort());
  });
});
