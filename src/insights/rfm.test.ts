import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client } from '../orders/test-fixtures.ts';
import { recomputeRfm, rfmLabel } from './rfm.ts';
import { rfmSegmentCondition } from './conditions.ts';
import { customerWithOrders, regular, runInsightsJob } from './test-support.ts';
import { sql } from 'kysely';

forEachEngine('RFM scores', (env) => {
  it('puts ten distinct customers two per quintile, recent/frequent/big → 5', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    // Customer i: i orders of 100·i, the last one i days ago → r = 6 − ⌈i/2⌉, f = m = ⌈i/2⌉.
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) ids.push(await customerWithOrders(env().engine.db, ws.workspaceId, `C${i}`, regular(i, 20, i, 100 * i)));
    const started = await api.post('/api/v1/insights/rfm/recompute', {});
    assert.equal(started.status, 202);
    const result = await runInsightsJob(env().engine, started.body.jobId);
    assert.equal(result.customers, 10);
    const rows = await env().engine.db.selectFrom('contact_rfm').selectAll().where('workspace_id', '=', ws.workspaceId).execute();
    const by = new Map(rows.map((r) => [r.contact_id, r]));
    for (let i = 1; i <= 10; i++) {
      const q = Math.ceil(i / 2);
      const row = by.get(ids[i - 1])!;
      assert.deepEqual([row.r, row.f, row.m], [6 - q, q, q], `customer ${i}`);
      assert.equal(row.segment, rfmLabel(6 - q, q));
    }
    assert.equal(by.get(ids[9])!.segment, "Can't lose them");
    assert.equal(by.get(ids[0])!.segment, 'New customers');
    assert.equal(by.get(ids[4])!.segment, 'Need attention');

    const dist = await api.get('/api/v1/insights/rfm');
    assert.equal(dist.status, 200);
    assert.equal(dist.body.customers, 10);
    assert.equal(dist.body.cells.length, 25);
    assert.equal(dist.body.cells.find((c: any) => c.r === 1 && c.f === 5).customers, 2);
    assert.deepEqual(dist.body.r.map((x: any) => x.customers), [2, 2, 2, 2, 2]);
    assert.equal(dist.body.segments.find((s: any) => s.segment === 'Need attention').customers, 2);
  });

  it('gives customers with equal figures equal scores', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const same: string[] = [];
    for (let i = 0; i < 6; i++) same.push(await customerWithOrders(db, ws.workspaceId, `One ${i}`, [{ daysAgo: 30, totalMinor: 500 }]));
    const big = await customerWithOrders(db, ws.workspaceId, 'Big', regular(4, 10, 1, 9000));
    await recomputeRfm(db, ws.workspaceId);
    const rows = await db.selectFrom('contact_rfm').selectAll().where('workspace_id', '=', ws.workspaceId).execute();
    const scores = new Set(rows.filter((r) => same.includes(r.contact_id)).map((r) => `${r.r}${r.f}${r.m}`));
    assert.deepEqual([...scores], ['111']);
    const b = rows.find((r) => r.contact_id === big)!;
    assert.deepEqual([b.r, b.f, b.m], [5, 5, 5]);
    const champions = await db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', ws.workspaceId)
      .where(rfmSegmentCondition(ws.workspaceId, ['Champions']))
      .execute();
    assert.deepEqual(champions.map((c) => c.id), [big]);
  });

  it("ignores customers without orders and other workspaces' customers", async () => {
    const a = await env().workspace();
    const b = await env().workspace();
    const db = env().engine.db;
    await customerWithOrders(db, a.workspaceId, 'A1', regular(2, 10, 3, 100));
    await customerWithOrders(db, a.workspaceId, 'No orders', []);
    await customerWithOrders(db, b.workspaceId, 'B1', regular(2, 10, 3, 100));
    await recomputeRfm(db, a.workspaceId);
    const n = await sql<{ n: string }>`select count(*) as n from contact_rfm where workspace_id = ${a.workspaceId}`.execute(db);
    assert.equal(Number(n.rows[0].n), 1);
    const other = await client(env().app, b.headers).get('/api/v1/insights/rfm');
    assert.equal(other.body.customers, 0);
  });
});
