import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { forEachEngine } from '../../test/support/harness.ts';
import { refreshOrderFigures } from '../orders/figures.ts';
import { recomputeRfm } from '../insights/rfm.ts';
import { refreshSlowingFlags } from '../insights/slowing.ts';
import { customerWithOrders, regular, runInsightsJob } from '../insights/test-support.ts';
import { buildWorkspaceSegments, refreshContactSegments } from './build.ts';
import { compileRule } from './compile.ts';
import { client, createPerson, preview, selects, sorted, type Client } from './test-support.ts';

// The conditions on groups found in the data (slowing flag, value ranking, RFM, clusters): what
// they select in a preview, in a saved segment's full build and in a per-contact refresh, and
// the 400s a bad node gets.

async function saved(c: Client, name: string, rule: unknown): Promise<string> {
  const r = await c.call('POST', '/api/v1/segments', { name, kind: 'dynamic', rule });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}
const members = async (c: Client, id: string) => sorted((await c.call('GET', `/api/v1/segments/${id}/members?limit=200`)).body.items.map((m: any) => m.id));
const DAY = 86_400_000;

forEachEngine('Segment conditions on insights', (env) => {
  it('selects slowing, valuable and RFM customers; saved segments follow full builds and per-contact refreshes', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const db = env().engine.db;
    // slow: ordered monthly, nothing for 100 days (> 1.5 × 30); steady: monthly, last 2 days ago;
    // big: every 10 days, large orders; idle: a customer without orders.
    const slow = await customerWithOrders(db, ws, 'Slow', regular(5, 30, 100, 10_000));
    const steady = await customerWithOrders(db, ws, 'Steady', regular(5, 30, 2, 12_000));
    const big = await customerWithOrders(db, ws, 'Big', regular(4, 10, 1, 90_000));
    const idle = (await createPerson(c, { firstName: 'Idle', lastName: 'Person' })).id as string;
    await refreshSlowingFlags(db, ws);
    await recomputeRfm(db, ws);

    assert.deepEqual(await selects(c, { type: 'slowing', op: 'flagged' }), [slow]);
    assert.deepEqual(await selects(c, { type: 'slowing', op: 'not_flagged' }), sorted([steady, big, idle]));
    // Money over a year: big 360,000 > steady 60,000 > slow 50,000; over 30 days slow spent nothing.
    assert.deepEqual(await selects(c, { type: 'valuable', op: 'top_n', count: 1, withinDays: 365 }), [big]);
    assert.deepEqual(await selects(c, { type: 'valuable', op: 'top_percent', percent: 50, withinDays: 365 }), sorted([big, steady]));
    assert.deepEqual(await selects(c, { type: 'valuable', op: 'top_n', count: 10, withinDays: 30 }), sorted([big, steady]));
    // Three customers in quintiles: recency slow 1, steady 2, big 3; frequency big 1, the two 5-order customers 2.
    assert.deepEqual(await selects(c, { type: 'rfm', field: 'r', op: 'gte', value: 2 }), sorted([steady, big]));
    assert.deepEqual(await selects(c, { type: 'rfm', field: 'f', op: 'eq', value: 2 }), sorted([slow, steady]));
    assert.deepEqual(await selects(c, { type: 'rfm', field: 'segment', op: 'in', value: ['About to sleep'] }), [big]);
    assert.deepEqual(await selects(c, { type: 'rfm', field: 'segment', op: 'not_in', value: ['Hibernating'] }), sorted([big, idle]));
    assert.deepEqual(await selects(c, { op: 'and', rules: [{ type: 'slowing', op: 'flagged' }, { type: 'rfm', field: 'segment', op: 'in', value: ['Hibernating', 'At risk'] }] }), [slow]);

    const slowing = await saved(c, 'Slowing', { type: 'slowing', op: 'flagged' });
    const top1 = await saved(c, 'Top 1', { type: 'valuable', op: 'top_n', count: 1, withinDays: 365 });
    const hibernating = await saved(c, 'Hibernating', { type: 'rfm', field: 'segment', op: 'in', value: ['Hibernating'] });
    await buildWorkspaceSegments(db, ws);
    assert.deepEqual(await members(c, slowing), [slow]);
    assert.deepEqual(await members(c, top1), [big]);
    assert.deepEqual(await members(c, hibernating), sorted([slow, steady]));

    // Slow orders again (a large order today): the flag goes, and a refresh for just them moves them.
    await db.insertInto('orders').values({ workspace_id: ws, contact_id: slow, status: 'paid', currency: 'EUR', total_minor: 1_000_000, ordered_at: new Date() }).execute();
    await refreshOrderFigures(db, ws, [slow]);
    await refreshSlowingFlags(db, ws, [slow]);
    const changed = await refreshContactSegments(db, ws, [slow]);
    assert.deepEqual(sorted(changed.map((r) => r.segmentId)), sorted([slowing, top1]));
    assert.deepEqual(await members(c, slowing), []);
    // A ranking is relative: the refresh moves slow in, big is pushed out only by the next full build.
    assert.deepEqual(await members(c, top1), sorted([slow, big]));
    await buildWorkspaceSegments(db, ws);
    assert.deepEqual(await members(c, top1), [slow]);
    const history = (await c.call('GET', `/api/v1/segments/${slowing}/history`)).body.items.map((h: any) => `${h.contactId} ${h.change} ${h.cause}`);
    assert.deepEqual(history, [`${slow} exited refresh`, `${slow} entered build`]);
  });

  it('selects the customers of a cluster, keeps doing so after a new grouping, and follows their figures', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const db = env().engine.db;
    const groups: Record<string, string[]> = { regulars: [], lapsed: [], fresh: [] };
    for (let i = 0; i < 4; i++) {
      groups.regulars.push(await customerWithOrders(db, ws, `Regular ${i}`, regular(12, 30, 2 + i, 50_000 + i * 100)));
      groups.lapsed.push(await customerWithOrders(db, ws, `Lapsed ${i}`, [{ daysAgo: 400 + i * 5, totalMinor: 2000 + i * 10 }]));
      groups.fresh.push(await customerWithOrders(db, ws, `New ${i}`, [{ daysAgo: 1 + (i % 3), totalMinor: 2500 + i * 10 }]));
    }
    const job = await c.call('POST', '/api/v1/insights/clusters', { k: 3 });
    await runInsightsJob(env().engine, job.body.jobId);
    const run = (await c.call('GET', '/api/v1/insights/clusters')).body.latest;
    const lapsedCluster = run.clusters.find((x: any) => x.label === 'Lapsed one-timers');
    assert.ok(lapsedCluster, JSON.stringify(run.clusters.map((x: any) => x.label)));
    const rule = { type: 'cluster', op: 'in', clusterId: lapsedCluster.id };
    assert.deepEqual(await selects(c, rule), sorted(groups.lapsed));
    assert.deepEqual(await selects(c, { ...rule, op: 'not_in' }), sorted([...groups.regulars, ...groups.fresh]));

    const seg = await saved(c, 'Lapsed group', rule);
    await buildWorkspaceSegments(db, ws);
    assert.deepEqual(await members(c, seg), sorted(groups.lapsed));
    // A new grouping proposes new clusters; the saved one still means the same customers.
    const again = await c.call('POST', '/api/v1/insights/clusters', { k: 2 });
    await runInsightsJob(env().engine, again.body.jobId);
    assert.notEqual((await c.call('GET', '/api/v1/insights/clusters')).body.latest.runId, run.runId);
    await buildWorkspaceSegments(db, ws);
    assert.deepEqual(await members(c, seg), sorted(groups.lapsed));

    // A lapsed customer comes back with a big order today: their figures leave the region.
    const back = groups.lapsed[0];
    await db.insertInto('orders').values({ workspace_id: ws, contact_id: back, status: 'paid', currency: 'EUR', total_minor: 60_000, ordered_at: new Date(Date.now() - DAY / 2) }).execute();
    await refreshOrderFigures(db, ws, [back]);
    await refreshContactSegments(db, ws, [back]);
    assert.deepEqual(await members(c, seg), sorted(groups.lapsed.slice(1)));

    // The grouping is deleted (its run and clusters go): the saved segment empties, its build does not fail.
    await db.deleteFrom('insight_cluster_runs').where('id', '=', run.runId).execute();
    await buildWorkspaceSegments(db, ws);
    assert.deepEqual(await members(c, seg), []);
  });

  it('refuses bad insight conditions with the path of the bad node', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const db = env().engine.db;
    for (let i = 0; i < 3; i++) await customerWithOrders(db, ws, `C${i}`, regular(2 + i, 20, 5 + i * 50, 1000 * (i + 1)));
    const job = await c.call('POST', '/api/v1/insights/clusters', { k: 2 });
    await runInsightsJob(env().engine, job.body.jobId);
    const [cluster] = (await c.call('GET', '/api/v1/insights/clusters')).body.latest.clusters;
    const other = await client(env());
    const cases: Array<[unknown, string]> = [
      [{ type: 'slowing', op: 'maybe' }, 'rule.op'],
      [{ type: 'slowing', op: 'flagged', since: "1; select pg_sleep(10)" }, 'rule.since'],
      [{ type: 'valuable', op: 'top_n', count: 0, withinDays: 30 }, 'rule.count'],
      [{ type: 'valuable', op: 'top_n', count: 5, withinDays: 5000 }, 'rule.withinDays'],
      [{ type: 'valuable', op: 'top_percent', percent: 0, withinDays: 30 }, 'rule.percent'],
      [{ type: 'valuable', op: 'top_percent', percent: '10; drop table orders', withinDays: 30 }, 'rule.percent'],
      [{ type: 'rfm', field: 'segment', op: 'in', value: ["Champions'); drop table contacts; --"] }, 'rule.value.0'],
      [{ type: 'rfm', field: 'segment', op: 'in', value: [] }, 'rule.value'],
      [{ type: 'rfm', field: 'r', op: 'gte', value: 6 }, 'rule.value'],
      [{ type: 'rfm', field: 'x; select 1', op: 'gte', value: 3 }, 'rule.field'],
      [{ op: 'and', rules: [{ type: 'tag', op: 'has', value: 'vip' }, { type: 'cluster', op: 'in', clusterId: '00000000-0000-4000-8000-000000000000' }] }, 'rule.rules.1.clusterId'],
      [{ type: 'cluster', op: 'in', clusterId: "' or 1=1 --" }, 'rule.clusterId'],
      [{ type: 'cluster', op: 'like', clusterId: cluster.id }, 'rule.op'],
    ];
    for (const [rule, path] of cases) {
      const r = await preview(c, rule);
      assert.equal(r.status, 400, `${JSON.stringify(rule)} → ${r.status}`);
      assert.ok(path in r.body.error.fields, `${JSON.stringify(rule)}: expected ${path}, got ${JSON.stringify(r.body.error.fields)}`);
    }
    // Another workspace's cluster is unknown there.
    const foreign = await preview(other, { type: 'cluster', op: 'in', clusterId: cluster.id });
    assert.equal(foreign.status, 400);
    assert.deepEqual(Object.keys(foreign.body.error.fields), ['rule.clusterId']);
    // A grouping stored before centres were kept cannot be used in a rule.
    await db.updateTable('insight_clusters').set({ center: null }).where('id', '=', cluster.id).execute();
    const old = await preview(c, { type: 'cluster', op: 'in', clusterId: cluster.id });
    assert.equal(old.status, 400);
    assert.match(old.body.error.fields['rule.clusterId'][0], /run the grouping again/);
  });
});

it('binds every value of an insight condition as a parameter', () => {
  const db = new Kysely<any>({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (d) => new PostgresIntrospector(d), createQueryCompiler: () => new PostgresQueryCompiler() } });
  const clusterId = '11111111-2222-4333-8444-555555555555';
  const rule = {
    op: 'or' as const,
    rules: [
      { type: 'cluster' as const, op: 'in' as const, clusterId },
      { type: 'rfm' as const, field: 'segment' as const, op: 'in' as const, value: ["Can't lose them" as const] },
      { type: 'valuable' as const, op: 'top_percent' as const, percent: 12.5, withinDays: 77 },
    ],
  };
  // The cluster's centres go in as numbers the query compares with (conditions.ts).
  const clusters = new Map([[clusterId, { rivals: [{ w: [0.123456789, -1.5, 2.25, 0], c: 3.1415926 }] }]]);
  for (const perContact of [false, true]) {
    const q = sql`select c.id from ${compileRule(rule, { workspaceId: 'ws', perContact, clusters }).from}`.compile(db);
    assert.ok(!q.sql.includes("Can't") && !q.sql.includes('12.5') && !q.sql.includes('77') && !q.sql.includes('0.123456789') && !q.sql.includes('3.1415926'), q.sql);
    assert.ok(q.parameters.includes(12.5) && q.parameters.includes(77) && q.parameters.includes(0.123456789) && q.parameters.includes(3.1415926));
  }
  assert.throws(() => compileRule(rule, { workspaceId: 'ws' }), /geometry/);
});
