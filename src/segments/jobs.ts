import { sql } from 'kysely';
import type { Engine } from '../platform/db.ts';
import type { JobHandler } from '../platform/jobs.ts';
import type { Logger } from '../platform/log.ts';
import { buildSegment, buildWorkspaceSegments } from './build.ts';
import { REBUILD_JOB } from './service.ts';

// Background builds: one job kind, enqueued when a rule is saved (payload.segmentId) and every
// few minutes per workspace by the scheduler (no payload: every dynamic segment, in build order).

export const segmentJobHandlers: Record<string, JobHandler> = {
  [REBUILD_JOB]: async (job, ctx) => {
    const segmentId = typeof job.payload.segmentId === 'string' ? job.payload.segmentId : null;
    const results = segmentId
      ? [await buildSegment(ctx.engine.db, job.workspace_id, segmentId)].filter(Boolean)
      : await buildWorkspaceSegments(ctx.engine.db, job.workspace_id);
    return { built: results.length, results };
  },
};

export const REBUILD_EVERY_MS = 5 * 60_000;

/**
 * Enqueues a full rebuild for every workspace with dynamic segments that has none waiting or
 * running, so a slow build never piles up copies of itself. Safe with several workers: at worst
 * two enqueue at the same moment and the builds run one after the other under the segment lock.
 */
export async function enqueueDueRebuilds(engine: Engine): Promise<number> {
  const res = await sql`
    insert into jobs (workspace_id, kind, payload, progress)
    select w.workspace_id, ${REBUILD_JOB}, '{}'::jsonb, '{}'::jsonb
    from (select distinct workspace_id from segments where kind = 'dynamic') w
    where not exists (
      select 1 from jobs j where j.workspace_id = w.workspace_id and j.kind = ${REBUILD_JOB} and j.state in ('queued', 'running'))`.execute(engine.db);
  return Number(res.numAffectedRows ?? 0);
}

export function startSegmentScheduler(deps: { engine: Engine; log: Logger; everyMs?: number }): { stop(): void } {
  const timer = setInterval(() => {
    enqueueDueRebuilds(deps.engine).catch((err) => deps.log.warn({ err }, 'segment rebuild scheduling failed'));
  }, deps.everyMs ?? REBUILD_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
