import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { openEngine, type Engine, type EngineKind } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { describeGroups, runClustering } from '../src/insights/clusters.ts';
import { D, normalise } from '../src/insights/features.ts';
import { kmeans, rng, suggestK } from '../src/insights/kmeans.ts';
import { loadClusterGeometry } from '../src/insights/conditions.ts';
import { recomputeRfm } from '../src/insights/rfm.ts';
import { refreshSlowingFlags } from '../src/insights/slowing.ts';
import { tuneForBuild } from '../src/segments/build.ts';
import { compileRule } from '../src/segments/compile.ts';
import type { BenchResult } from './read-api.ts';
import { benchDatabaseUrl, ensureDatabase } from './databases.ts';

// Clustering customers on their order figures. Two measures:
//  1. the algorithm on 1,000,000 customers (features generated in memory: building 1M customers
//     with real order histories takes minutes on the shared 2-core machine, and the target is
//     about the clustering): normalise + k suggestion on a sample + k-means k=5 + labels;
//  2. end to end through the database: the customers' figures are written straight into
//     contact_order_stats with generate_series (no orders), then the clustering job's work
//     (stream features, cluster, store groups and 1 row per customer) and the RFM recompute;
//  3. a segment count with "in cluster" (the largest cluster) over those customers, as the rule
//     builder's preview runs it: the cluster's run classifies every customer's current figures.

const DATABASE_URL = benchDatabaseUrl('bench_insights');

/** Four behaviours mixed like a real shop's customer base, in natural units. */
export function syntheticFeatures(n: number, seed = 1): Float64Array {
  const r = rng(seed);
  const raw = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    const kind = r();
    let rec: number, cnt: number, total: number, tenure: number;
    if (kind < 0.45) {
      rec = 150 + r() * 800; cnt = 1; total = 1000 + r() * 6000; tenure = rec; // lapsed one-timers
    } else if (kind < 0.6) {
      rec = r() * 30; cnt = 1 + Math.floor(r() * 2); total = cnt * (1500 + r() * 5000); tenure = rec + r() * 30; // new
    } else if (kind < 0.85) {
      rec = 30 + r() * 300; cnt = 2 + Math.floor(r() * 5); total = cnt * (2000 + r() * 4000); tenure = 300 + r() * 900; // occasional
    } else {
      rec = r() * 45; cnt = 8 + Math.floor(r() * 30); total = cnt * (4000 + r() * 10000); tenure = 400 + r() * 1500; // regulars
    }
    raw.set([rec, cnt, Math.round(total), tenure], i * D);
  }
  return raw;
}

export function benchAlgorithm(n: number): BenchResult[] {
  const raw = syntheticFeatures(n);
  const t0 = performance.now();
  const { points } = normalise(raw, n);
  const suggestion = suggestK(points);
  const r = kmeans(points, { k: 5, seed: 20240601 });
  const groups = describeGroups(raw, n, r.centroids, r.assignment, r.sizes, 5);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`[insights] ${n} synthetic customers: ${r.iterations} iterations, suggested k ${suggestion.suggested}; groups: ${groups.map((g) => `${g.label} (${g.size})`).join(', ')}`);
  return [
    { name: `cluster ${n} customers (in memory, k=5, incl. k suggestion)`, value: Math.round(seconds * 100) / 100, unit: 's', target: '< 30', engine: '-' },
    { name: `cluster ${n} customers: Lloyd iterations`, value: r.iterations, unit: 'iterations', target: '-', engine: '-' },
  ];
}

export async function seedFigures(engine: Engine, workspaceId: string, n: number): Promise<void> {
  await sql`insert into contacts (workspace_id, kind, name)
    select ${workspaceId}, 'person', 'Bench customer ' || i from generate_series(1, ${n}::int) i`.execute(engine.db);
  // Same four behaviours as syntheticFeatures, drawn in SQL.
  await sql`insert into contact_order_stats (contact_id, workspace_id, first_order_at, last_order_at, order_count, total_minor, avg_minor, median_gap_days)
    select id, ${workspaceId}, now() - make_interval(days => (rec + extra)::int), now() - make_interval(days => rec::int),
           cnt, (cnt * unit)::bigint, unit::bigint, case when cnt > 1 then round((extra / (cnt - 1))::numeric, 2) end
    from (select id, k,
            case when k < 0.45 then 150 + a * 800 when k < 0.6 then a * 30 when k < 0.85 then 30 + a * 300 else a * 45 end as rec,
            case when k < 0.45 then 1 when k < 0.6 then 1 + floor(b * 2) when k < 0.85 then 2 + floor(b * 5) else 8 + floor(b * 30) end as cnt,
            case when k < 0.45 then 1000 + c * 6000 when k < 0.6 then 1500 + c * 5000 when k < 0.85 then 2000 + c * 4000 else 4000 + c * 10000 end as unit,
            case when k < 0.45 then 0 when k < 0.6 then b * 30 when k < 0.85 then 300 + b * 900 else 400 + b * 1500 end as extra
          from (select id, random() as k, random() as a, random() as b, random() as c from contacts where workspace_id = ${workspaceId}) x) y`.execute(engine.db);
  await sql`analyze contacts`.execute(engine.db);
  await sql`analyze contact_order_stats`.execute(engine.db);
}

export async function benchEndToEnd(kind: EngineKind, n: number): Promise<BenchResult[]> {
  const dir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'rapport-bench-insights-')) : undefined;
  const engine = kind === 'postgres' ? await ensureDatabase(DATABASE_URL).then(() => openEngine({ databaseUrl: DATABASE_URL })) : await openEngine({ dataDir: dir });
  try {
    await migrate(engine);
    const tag = Math.random().toString(36).slice(2, 10);
    const ws = await createWorkspace(engine.db, { workspaceName: `bench insights ${tag}`, adminEmail: `bench-insights-${tag}@example.test`, adminPassword: `bench-${tag}-password` });
    const s0 = performance.now();
    await seedFigures(engine, ws.workspaceId, n);
    console.log(`[insights] ${kind}: seeded ${n} customers' figures in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    const t0 = performance.now();
    const run = await runClustering(engine, ws.workspaceId, { k: 5 });
    const total = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await engine.db.transaction().execute((trx) => recomputeRfm(trx, ws.workspaceId));
    const rfm = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    await refreshSlowingFlags(engine.db, ws.workspaceId);
    const slowing = (performance.now() - t2) / 1000;
    const count = run.runId ? await clusterCount(engine, ws.workspaceId, run.runId) : null;
    const s = (ms: number) => Math.round(ms / 10) / 100;
    return [
      { name: `clustering job ${n} customers: total`, value: Math.round(total * 100) / 100, unit: 's', target: n >= 1_000_000 ? '< 30' : '-', engine: kind },
      { name: `clustering job ${n}: stream features`, value: s(run.timings.loadMs), unit: 's', target: '-', engine: kind },
      { name: `clustering job ${n}: k-means + labels`, value: s(run.timings.clusterMs), unit: 's', target: '-', engine: kind },
      { name: `clustering job ${n}: store groups + members`, value: s(run.timings.storeMs), unit: 's', target: '-', engine: kind },
      { name: `RFM recompute ${n} customers`, value: Math.round(rfm * 100) / 100, unit: 's', target: '-', engine: kind },
      { name: `slowing flags ${n} customers (no orders: stats only)`, value: Math.round(slowing * 100) / 100, unit: 's', target: '-', engine: kind },
      ...(count ? [{ name: `segment count with a cluster condition at ${n} customers (median of 5)`, value: count.ms, unit: 'ms', target: '<= 1000', engine: kind }] : []),
    ];
  } finally {
    // The server database is shared with the tests and other benchmarks: take our rows back out.
    if (kind === 'postgres') await dropBenchRows(engine).catch((err) => console.error('[insights] cleanup failed', err));
    await engine.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Median of 5 counts of "in the largest cluster", each in its own transaction like a preview request. */
async function clusterCount(engine: Engine, workspaceId: string, runId: string): Promise<{ ms: number; members: number }> {
  const cluster = await engine.db.selectFrom('insight_clusters').select('id').where('run_id', '=', runId).orderBy('position').executeTakeFirstOrThrow();
  const rule = { type: 'cluster' as const, op: 'in' as const, clusterId: cluster.id };
  const times: number[] = [];
  let members = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    members = await engine.db.transaction().execute(async (trx) => {
      await tuneForBuild(trx);
      const clusters = await loadClusterGeometry(trx, workspaceId, [cluster.id]);
      const { from } = compileRule(rule, { workspaceId, clusters });
      return (await sql<{ n: number }>`select count(*)::int as n from ${from}`.execute(trx)).rows[0].n;
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`[insights] ${engine.kind}: ${members} customers in the largest cluster; counts took ${times.map(Math.round).join(', ')} ms`);
  return { ms: Math.round(times[2]), members };
}

export async function dropBenchRows(engine: Engine): Promise<void> {
  const ws = sql`(select id from workspaces where name like 'bench insights %')`;
  // The contacts themselves stay: deleting them checks contacts' self-references (company_id,
  // merged_into) with unindexed scans, minutes per 100k rows.
  for (const table of ['contact_cluster', 'contact_rfm', 'contact_flags', 'insight_clusters', 'insight_cluster_runs', 'insight_settings', 'contact_order_stats']) {
    await sql`delete from ${sql.table(table)} where workspace_id in ${ws}`.execute(engine.db);
  }
}

/**
 * customers: for the in-memory measure and the PostgreSQL run (default 1,000,000);
 * PGlite gets a tenth (single connection, on-disk WAL: 1M inserts alone take minutes there).
 */
export async function benchInsights(opts: { customers?: number; engines?: EngineKind[] } = {}): Promise<BenchResult[]> {
  const n = opts.customers ?? 1_000_000;
  const results = benchAlgorithm(n);
  for (const kind of opts.engines ?? ['postgres', 'pglite']) {
    results.push(...(await benchEndToEnd(kind, kind === 'pglite' ? Math.max(1000, Math.round(n / 10)) : n)));
  }
  return results;
}

// `node --import tsx bench/insights.ts [customers] [engines]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const customers = Number(process.argv[2] ?? 1_000_000);
  const engines = (process.argv[3] ?? 'postgres').split(',').filter(Boolean) as EngineKind[];
  console.table(await benchInsights({ customers, engines }));
}
