import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { client } from '../orders/test-fixtures.ts';
import { clusterCondition, loadClusterGeometry } from './conditions.ts';
import { clusterMembers } from './clusters.ts';
import { customerWithOrders, regular, runInsightsJob } from './test-support.ts';

forEachEngine('Customer groups found by clustering', (env) => {
  it('finds three obvious groups, names them and stores who is in which', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    const groups: Record<string, string[]> = { regulars: [], lapsed: [], fresh: [] };
    for (let i = 0; i < 8; i++) {
      // Twelve large orders over a year, the latest a few days ago.
      groups.regulars.push(await customerWithOrders(db, ws.workspaceId, `Regular ${i}`, regular(12, 30, 2 + i, 50_000 + i * 100)));
      // One small order more than a year ago.
      groups.lapsed.push(await customerWithOrders(db, ws.workspaceId, `Lapsed ${i}`, [{ daysAgo: 400 + i * 5, totalMinor: 2000 + i * 10 }]));
      // One small order this week.
      groups.fresh.push(await customerWithOrders(db, ws.workspaceId, `New ${i}`, [{ daysAgo: 1 + (i % 3), totalMinor: 2500 + i * 10 }]));
    }
    const started = await api.post('/api/v1/insights/clusters', { k: 3 });
    assert.equal(started.status, 202);
    await runInsightsJob(env().engine, started.body.jobId);

    const got = await api.get('/api/v1/insights/clusters');
    assert.equal(got.status, 200);
    const latest = got.body.latest;
    assert.equal(latest.k, 3);
    assert.equal(latest.customers, 24);
    assert.deepEqual(latest.clusters.map((c: any) => c.size), [8, 8, 8]);
    const labels = latest.clusters.map((c: any) => c.label).sort();
    assert.deepEqual(labels, ['Active frequent big spenders', 'Lapsed one-timers', 'New customers']);
    const byLabel = new Map(latest.clusters.map((c: any) => [c.label, c]));
    const regularsCluster: any = byLabel.get('Active frequent big spenders');
    assert.equal(regularsCluster.medianGapDays, 30);
    assert.ok(Math.abs(regularsCluster.avgOrderMinor - 50_350) <= 1, `aov ${regularsCluster.avgOrderMinor}`);
    assert.equal(regularsCluster.centroid.orders, 12);
    // The name as parts too, for the web app to word in the reader's language.
    assert.deepEqual(regularsCluster.labelParts, { kind: 'habit', habit: 'frequentBigSpenders', status: 'active', lowValue: false, ordinal: 1 });
    assert.deepEqual((byLabel.get('New customers') as any).labelParts, { kind: 'new', who: 'customers', ordinal: 1 });
    // A group stored before the parts were kept still gets them, read back from its English name.
    await db.updateTable('insight_clusters').set({ label_parts: null }).where('workspace_id', '=', ws.workspaceId).execute();
    const old = (await api.get('/api/v1/insights/clusters')).body.latest.clusters.find((c: any) => c.label === 'Lapsed one-timers');
    assert.deepEqual(old.labelParts, { kind: 'habit', habit: 'oneTimers', status: 'lapsed', lowValue: false, ordinal: 1 });

    // Membership: through the function, the segment-rule fragment and the members endpoint.
    const expect = { 'Active frequent big spenders': groups.regulars, 'Lapsed one-timers': groups.lapsed, 'New customers': groups.fresh };
    for (const [label, ids] of Object.entries(expect)) {
      const cluster: any = byLabel.get(label);
      assert.deepEqual(await clusterMembers(db, ws.workspaceId, cluster.id), [...ids].sort(), label);
      const viaRule = await db.selectFrom('contacts').select('id').where('workspace_id', '=', ws.workspaceId).where(clusterCondition(ws.workspaceId, (await loadClusterGeometry(db, ws.workspaceId, [cluster.id])).get(cluster.id)!)).orderBy('id').execute();
      assert.deepEqual(viaRule.map((r) => r.id), [...ids].sort());
      const page1 = await api.get(`/api/v1/insights/clusters/${cluster.id}/members?limit=5`);
      const page2 = await api.get(`/api/v1/insights/clusters/${cluster.id}/members?limit=5&cursor=${page1.body.nextCursor}`);
      assert.deepEqual([...page1.body.items, ...page2.body.items], [...ids].sort());
      assert.equal(page2.body.nextCursor, null);
      assert.deepEqual(page1.body.people.map((p: any) => p.id), page1.body.items);
      assert.ok(page1.body.people.every((p: any) => typeof p.name === 'string' && p.name.length > 0));
    }
  });

  it('replaces the previous grouping and can choose k itself', async () => {
    const ws = await env().workspace();
    const db = env().engine.db;
    const api = client(env().app, ws.headers);
    for (let i = 0; i < 6; i++) {
      await customerWithOrders(db, ws.workspaceId, `R${i}`, regular(10, 20, 3, 40_000));
      await customerWithOrders(db, ws.workspaceId, `L${i}`, [{ daysAgo: 500 + i, totalMinor: 1000 }]);
    }
    const first = await api.post('/api/v1/insights/clusters', { k: 4 });
    await runInsightsJob(env().engine, first.body.jobId);
    const before = (await api.get('/api/v1/insights/clusters')).body.latest;
    const again = await api.post('/api/v1/insights/clusters', { k: 'auto' });
    await runInsightsJob(env().engine, again.body.jobId);
    const after = (await api.get('/api/v1/insights/clusters')).body.latest;
    assert.notEqual(after.runId, before.runId);
    assert.equal(after.k, 2, 'two obvious groups');
    assert.equal(after.suggestedK, 2);
    // Only the latest run has a member list; an old cluster, used in a rule, still classifies
    // customers by its own run's centres (conditions.ts explains why).
    assert.deepEqual(await clusterMembers(db, ws.workspaceId, before.clusters[0].id), []);
    for (const old of before.clusters) {
      const viaRule = await db.selectFrom('contacts').select('id').where('workspace_id', '=', ws.workspaceId).where(clusterCondition(ws.workspaceId, (await loadClusterGeometry(db, ws.workspaceId, [old.id])).get(old.id)!)).execute();
      assert.equal(viaRule.length, old.size, old.label);
    }
    const total = after.clusters.reduce((s: number, c: any) => s + c.size, 0);
    assert.equal(total, 12);
  });

  it('does nothing useful without customers, and says so', async () => {
    const ws = await env().workspace();
    const api = client(env().app, ws.headers);
    const started = await api.post('/api/v1/insights/clusters', {});
    const result = await runInsightsJob(env().engine, started.body.jobId);
    assert.equal(result.runId, null);
    const got = await api.get('/api/v1/insights/clusters');
    assert.equal(got.body.latest, null);
    assert.equal(got.body.job.id, started.body.jobId);
  });
});
