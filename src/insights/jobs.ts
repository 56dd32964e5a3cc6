import { sql } from 'kysely';
import { enqueueJob, enqueueJobOnce, type JobHandler } from '../platform/jobs.ts';
import type { Executor } from '../platform/http.ts';
import { NotFound } from '../platform/errors.ts';
import { REBUILD_JOB } from '../segments/service.ts';
import { DEFAULT_K, runClustering } from './clusters.ts';
import { recomputeRfm } from './rfm.ts';
import { refreshSlowingFlags } from './slowing.ts';

// Background recomputes. Each works on one workspace, set-based; running one twice is harmless.

export const RFM_JOB = 'insights.rfm';
export const CLUSTERS_JOB = 'insights.clusters';
export const SLOWING_JOB = 'insights.slowing';
export type InsightsJobKind = typeof RFM_JOB | typeof CLUSTERS_JOB | typeof SLOWING_JOB;

// Whole-workspace window sorts spill to disk at the default 4 MB work_mem; a job may use more.
const bigSorts = (trx: Executor) => sql`set local work_mem = '64MB'`.execute(trx);

/**
 * RFM labels and slowing flags are segment conditions: once they change, segments using them are
 * rebuilt now rather than at the next scheduled build (up to 5 minutes later). One queued
 * workspace rebuild is enough, however many recomputes finish meanwhile.
 */
async function rebuildSegmentsSoon(trx: Executor, workspaceId: string): Promise<void> {
  const dynamic = await trx.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('kind', '=', 'dynamic').limit(1).executeTakeFirst();
  if (dynamic) await enqueueJobOnce(trx, { workspaceId, kind: REBUILD_JOB, createdBy: null });
}

export const insightsJobHandlers: Record<string, JobHandler> = {
  [RFM_JOB]: (job, ctx) =>
    ctx.engine.db.transaction().execute(async (trx) => {
      await bigSorts(trx);
      const out = await recomputeRfm(trx, job.workspace_id);
      await rebuildSegmentsSoon(trx, job.workspace_id);
      return out;
    }),
  [SLOWING_JOB]: (job, ctx) =>
    ctx.engine.db.transaction().execute(async (trx) => {
      await bigSorts(trx);
      const out = await refreshSlowingFlags(trx, job.workspace_id);
      await rebuildSegmentsSoon(trx, job.workspace_id);
      return out;
    }),
  [CLUSTERS_JOB]: async (job, ctx) => {
    const k = job.payload.k === 'auto' ? 'auto' : Number(job.payload.k ?? DEFAULT_K);
    const seed = job.payload.seed === undefined ? undefined : Number(job.payload.seed);
    return runClustering(ctx.engine, job.workspace_id, { k, seed, jobId: job.id, createdBy: job.created_by, progress: ctx.progress });
  },
};

/**
 * Queues a recompute unless one of the same kind is already waiting for this workspace: a user
 * pressing the button twice gets the same job, not two full recomputes.
 */
export async function startInsightsJob(
  db: Executor,
  workspaceId: string,
  kind: InsightsJobKind,
  payload: Record<string, unknown>,
  createdBy: string | null,
): Promise<{ jobId: string; reused: boolean }> {
  const waiting = await db
    .selectFrom('jobs')
    .select(['id', 'payload'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('state', '=', 'queued')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (waiting && canonical(waiting.payload as Record<string, unknown>) === canonical(payload)) return { jobId: waiting.id, reused: true };
  return { jobId: await enqueueJob(db, { workspaceId, kind, payload, createdBy }), reused: false };
}

// jsonb hands keys back in its own order.
const canonical = (o: Record<string, unknown>) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));

export async function insightsJob(db: Executor, workspaceId: string, jobId: string) {
  const row = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'state', 'progress', 'result', 'error', 'created_at', 'finished_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', jobId)
    .where('kind', 'in', [RFM_JOB, CLUSTERS_JOB, SLOWING_JOB])
    .executeTakeFirst();
  if (!row) throw new NotFound('Job');
  return { id: row.id, kind: row.kind, state: row.state, progress: row.progress, result: row.result, error: row.error, createdAt: row.created_at, finishedAt: row.finished_at };
}

export async function latestJob(db: Executor, workspaceId: string, kind: InsightsJobKind) {
  const row = await db
    .selectFrom('jobs')
    .select(['id'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? insightsJob(db, workspaceId, row.id) : null;
}
