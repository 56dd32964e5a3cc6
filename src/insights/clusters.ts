import { sql } from 'kysely';
import type { Engine } from '../platform/db.ts';
import type { Executor } from '../platform/http.ts';
import { NotFound } from '../platform/errors.ts';
import { D, FEATURES, loadFeatures, loadFeaturesByCopy, normalise } from './features.ts';
import { kmeans, suggestK, type KScore } from './kmeans.ts';
import { clusterLabelParts, englishLabel, partsFromEnglish, uniqueLabels, type ClusterLabelParts } from './labels.ts';

export const DEFAULT_K = 5;
export const DEFAULT_SEED = 20240601;
const WRITE_BATCH = 20_000;

export interface ClusterOptions {
  k: number | 'auto';
  seed?: number;
  jobId?: string | null;
  createdBy?: string | null;
  progress?: (p: Record<string, unknown>) => Promise<void>;
}

export interface ClusterTimings {
  loadMs: number;
  clusterMs: number;
  storeMs: number;
}

/**
 * Clusters every customer with orders: stream features, normalise, k-means (k-means++ seeded on
 * a sample, Lloyd over everyone), name the groups, store the run, the groups and each customer's
 * group. The membership of the previous run is replaced in the same transaction.
 */
export async function runClustering(engine: Engine, workspaceId: string, opts: ClusterOptions): Promise<{ runId: string | null; customers: number; k: number; timings: ClusterTimings }> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const t0 = performance.now();
  const db = engine.db;
  const onBatch = (loaded: number) => opts.progress?.({ phase: 'loading', loaded }) ?? Promise.resolve();
  const fs = engine.pool ? await loadFeaturesByCopy(engine.pool, workspaceId, onBatch) : await loadFeatures(db, workspaceId, onBatch);
  const t1 = performance.now();
  if (fs.n < 2) return { runId: null, customers: fs.n, k: 0, timings: { loadMs: t1 - t0, clusterMs: 0, storeMs: 0 } };
  await opts.progress?.({ phase: 'clustering', customers: fs.n });
  const { points, norm } = normalise(fs.raw, fs.n);
  const suggestion = suggestK(points, { seed });
  const k = Math.min(opts.k === 'auto' ? suggestion.suggested : opts.k, fs.n);
  const result = kmeans(points, { k, seed });
  const groups = describeGroups(fs.raw, fs.n, result.centroids, result.assignment, result.sizes, k);
  const t2 = performance.now();
  await opts.progress?.({ phase: 'storing', customers: fs.n });
  const runId = await db.transaction().execute(async (trx) => {
    const run = await trx
      .insertInto('insight_cluster_runs')
      .values({
        workspace_id: workspaceId,
        k,
        customers: fs.n,
        iterations: result.iterations,
        inertia: result.inertia,
        features: JSON.stringify({ names: FEATURES, transform: 'log1p then z-score', mean: norm.mean, sd: norm.sd, seed, kScores: suggestion.scores, suggestedK: suggestion.suggested }),
        job_id: opts.jobId ?? null,
        created_by: opts.createdBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const clusterIds = new Array<string>(k);
    for (const g of groups) {
      const row = await trx
        .insertInto('insight_clusters')
        .values({
          workspace_id: workspaceId, run_id: run.id, position: g.position, label: g.label, label_parts: JSON.stringify(g.labelParts), size: g.size, centroid: JSON.stringify(g.centroid),
          // Normalised centre: what the "in cluster" segment condition classifies customers by.
          center: sql<number[]>`${Array.from(result.centroids.subarray(g.index * D, g.index * D + D))}::float8[]`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      clusterIds[g.index] = row.id;
    }
    // Through the run index: contact_cluster has no workspace index (it would only slow the rewrite).
    await sql`delete from contact_cluster where workspace_id = ${workspaceId}
      and run_id in (select id from insight_cluster_runs where workspace_id = ${workspaceId})`.execute(trx);
    for (let start = 0; start < fs.n; start += WRITE_BATCH) {
      const end = Math.min(fs.n, start + WRITE_BATCH);
      const ids = fs.ids.slice(start, end);
      const cl = Array.from(result.assignment.subarray(start, end), (a) => clusterIds[a]);
      await sql`insert into contact_cluster (contact_id, workspace_id, run_id, cluster_id)
        select u.c, ${workspaceId}::uuid, ${run.id}::uuid, u.k from unnest(${ids}::uuid[], ${cl}::uuid[]) as u(c, k)`.execute(trx);
    }
    // Money figures in SQL: integer minor units, never summed as floats.
    await sql`update insight_clusters ic set
        avg_order_minor = x.aov, median_gap_days = x.gap
      from (select cc.cluster_id,
                   case when sum(st.order_count) > 0 then round(sum(st.total_minor)::numeric / sum(st.order_count))::bigint else 0 end as aov,
                   round((percentile_cont(0.5) within group (order by st.median_gap_days::float8))::numeric, 1) as gap
            from contact_cluster cc
            join contact_order_stats st on st.contact_id = cc.contact_id and st.workspace_id = ${workspaceId}
            where cc.run_id = ${run.id} and cc.workspace_id = ${workspaceId}
            group by cc.cluster_id) x
      where ic.id = x.cluster_id and ic.workspace_id = ${workspaceId}`.execute(trx);
    return run.id;
  });
  const t3 = performance.now();
  return { runId, customers: fs.n, k, timings: { loadMs: t1 - t0, clusterMs: t2 - t1, storeMs: t3 - t2 } };
}

interface Group {
  index: number;
  position: number;
  label: string;
  labelParts: ClusterLabelParts;
  size: number;
  centroid: Record<string, number>;
}

/** Natural-unit means per cluster (for people) and z-scores against everyone (for the label). */
export function describeGroups(raw: Float64Array, n: number, _c: Float64Array, assignment: Int32Array, sizes: Int32Array, k: number): Group[] {
  const sums = new Float64Array(k * D);
  const logSums = new Float64Array(k * D);
  const allLog = new Float64Array(D);
  const allLog2 = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const a = assignment[i];
    for (let j = 0; j < D; j++) {
      const v = raw[i * D + j];
      const lv = Math.log1p(Math.max(0, v));
      sums[a * D + j] += v;
      logSums[a * D + j] += lv;
      allLog[j] += lv;
      allLog2[j] += lv * lv;
    }
  }
  const mean = Array.from(allLog, (s) => s / n);
  const sd = Array.from(allLog2, (s2, j) => Math.sqrt(Math.max(0, s2 / n - mean[j] ** 2)));
  const z = (ci: number, j: number) => (sizes[ci] && sd[j] > 0 ? (logSums[ci * D + j] / sizes[ci] - mean[j]) / sd[j] : 0);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const labels = uniqueLabels(
    order.map((ci) =>
      clusterLabelParts({
        z: { recency: z(ci, 0), frequency: z(ci, 1), monetary: z(ci, 2), tenure: z(ci, 3) },
        avgOrders: sizes[ci] ? sums[ci * D + 1] / sizes[ci] : 0,
      }),
    ),
  );
  return order.map((ci, position) => {
    const m = (j: number) => (sizes[ci] ? sums[ci * D + j] / sizes[ci] : 0);
    return {
      index: ci,
      position,
      label: englishLabel(labels[position]),
      labelParts: labels[position],
      size: sizes[ci],
      centroid: {
        daysSinceLastOrder: Math.round(m(0) * 10) / 10,
        orders: Math.round(m(1) * 100) / 100,
        totalMinor: Math.round(m(2)),
        tenureDays: Math.round(m(3) * 10) / 10,
      },
    };
  });
}

export interface ClusterView {
  id: string;
  position: number;
  /** In English; `labelParts` is the same name for clients to word in their own language. */
  label: string;
  labelParts: ClusterLabelParts | null;
  size: number;
  avgOrderMinor: number;
  medianGapDays: number | null;
  centroid: Record<string, number>;
}

export interface ClusterRunView {
  runId: string;
  k: number;
  customers: number;
  iterations: number;
  createdAt: Date;
  suggestedK: number | null;
  kScores: KScore[];
  clusters: ClusterView[];
}

export async function latestClusters(db: Executor, workspaceId: string): Promise<ClusterRunView | null> {
  const run = await db
    .selectFrom('insight_cluster_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!run) return null;
  const rows = await db
    .selectFrom('insight_clusters')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('run_id', '=', run.id)
    .orderBy('position')
    .execute();
  const features = (typeof run.features === 'string' ? JSON.parse(run.features) : run.features) as { suggestedK?: number; kScores?: KScore[] };
  return {
    runId: run.id,
    k: run.k,
    customers: run.customers,
    iterations: run.iterations,
    createdAt: run.created_at,
    suggestedK: features.suggestedK ?? null,
    kScores: features.kScores ?? [],
    clusters: rows.map((r) => ({
      id: r.id,
      position: r.position,
      label: r.label,
      labelParts: (typeof r.label_parts === 'string' ? JSON.parse(r.label_parts) : r.label_parts) ?? partsFromEnglish(r.label),
      size: r.size,
      avgOrderMinor: Number(r.avg_order_minor),
      medianGapDays: r.median_gap_days === null ? null : Number(r.median_gap_days),
      centroid: r.centroid as Record<string, number>,
    })),
  };
}

/** The customers currently in a cluster (only the latest run has members), as a subquery. */
export function clusterMembersQuery(db: Executor, workspaceId: string, clusterId: string) {
  return db.selectFrom('contact_cluster').select('contact_id').where('workspace_id', '=', workspaceId).where('cluster_id', '=', clusterId);
}

/** Every member's contact id; NotFound if the cluster is not in this workspace. */
export async function clusterMembers(db: Executor, workspaceId: string, clusterId: string): Promise<string[]> {
  const cluster = await db.selectFrom('insight_clusters').select(['id', 'label']).where('workspace_id', '=', workspaceId).where('id', '=', clusterId).executeTakeFirst();
  if (!cluster) throw new NotFound('Cluster');
  const rows = await clusterMembersQuery(db, workspaceId, clusterId).orderBy('contact_id').execute();
  return rows.map((r) => r.contact_id);
}
