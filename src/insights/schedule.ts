import { sql } from 'kysely';
import type { Engine } from '../platform/db.ts';
import type { Executor } from '../platform/http.ts';
import type { Logger } from '../platform/log.ts';
import { RFM_JOB, SLOWING_JOB } from './jobs.ts';

// Recency grows by itself: a customer who simply stops buying is touched by no write, so their
// RFM recency score and their slowing flag change only when they are recomputed. Every workspace
// with orders gets both recomputes once a day; a press of "Recompute" or "Check again now" counts
// as that day's run.

export const INSIGHTS_REFRESH_AFTER_HOURS = 24;
export const INSIGHTS_CHECK_EVERY_MS = 15 * 60_000;

/**
 * Queues the RFM and slowing recomputes of each workspace (or only `workspaceId`) that has orders
 * and has had no such job queued, running or created within the last day. Returns how many.
 */
export async function enqueueDueInsights(db: Executor, opts: { workspaceId?: string; afterHours?: number } = {}): Promise<number> {
  const res = await sql`
    insert into jobs (workspace_id, kind, payload, progress)
    select w.id, k.kind, '{}'::jsonb, '{}'::jsonb
    from workspaces w cross join (values (${RFM_JOB}::text), (${SLOWING_JOB}::text)) k(kind)
    where (${opts.workspaceId ?? null}::uuid is null or w.id = ${opts.workspaceId ?? null}::uuid)
      and exists (select 1 from orders o where o.workspace_id = w.id)
      and not exists (
        select 1 from jobs j where j.workspace_id = w.id and j.kind = k.kind
          and (j.state in ('queued', 'running') or j.created_at > now() - make_interval(hours => ${opts.afterHours ?? INSIGHTS_REFRESH_AFTER_HOURS})))`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

export function startInsightsScheduler(deps: { engine: Engine; log: Logger; everyMs?: number }): { stop(): void } {
  const tick = () => enqueueDueInsights(deps.engine.db).catch((err) => deps.log.warn({ err }, 'insights scheduling failed'));
  // Soon after start too: a server restarted every night would otherwise never reach its first tick.
  const first = setTimeout(tick, 30_000);
  const timer = setInterval(tick, deps.everyMs ?? INSIGHTS_CHECK_EVERY_MS);
  first.unref();
  timer.unref();
  return { stop: () => (clearTimeout(first), clearInterval(timer)) };
}
