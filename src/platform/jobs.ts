import { sql } from 'kysely';
import type { Engine } from './db.ts';
import type { Executor } from './http.ts';
import type { Logger } from './log.ts';

export interface JobRow {
  id: string;
  workspace_id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_by: string | null;
}

export interface JobContext {
  engine: Engine;
  log: Logger;
  /** Records progress (e.g. rows done, total, rate) for the job status API; also extends the lease. */
  progress(p: Record<string, unknown>): Promise<void>;
}

export type JobHandler = (job: JobRow, ctx: JobContext) => Promise<unknown>;

const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 3;

export async function enqueueJob(
  db: Executor,
  job: { workspaceId: string; kind: string; payload: Record<string, unknown>; createdBy?: string | null },
): Promise<string> {
  const row = await db
    .insertInto('jobs')
    .values({ workspace_id: job.workspaceId, kind: job.kind, payload: JSON.stringify(job.payload), progress: '{}', created_by: job.createdBy ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Queues a job unless one of the same kind is already waiting for the workspace: recomputes that
 * cover the whole workspace need only one run however many changes asked for it meanwhile.
 */
export async function enqueueJobOnce(db: Executor, job: { workspaceId: string; kind: string; createdBy?: string | null }): Promise<void> {
  const waiting = await db
    .selectFrom('jobs')
    .select('id')
    .where('workspace_id', '=', job.workspaceId)
    .where('kind', '=', job.kind)
    .where('state', '=', 'queued')
    .where(sql<boolean>`payload = '{}'::jsonb`)
    .executeTakeFirst();
  if (!waiting) await enqueueJob(db, { ...job, payload: {} });
}

/**
 * Claims one due job: a queued one, or a running one whose lease expired (its worker died).
 * SKIP LOCKED lets several workers poll one table without waiting on each other.
 */
export async function claimJob(engine: Engine, kinds: string[]): Promise<JobRow | null> {
  if (kinds.length === 0) return null;
  const res = await sql<JobRow>`
    update jobs set state = 'running', attempts = attempts + 1,
      lease_until = now() + make_interval(secs => ${LEASE_SECONDS}), updated_at = now()
    where id = (
      select id from jobs
      where kind in (${sql.join(kinds)}) and run_after <= now()
        and (state = 'queued' or (state = 'running' and lease_until < now()))
      order by run_after
      for update skip locked
      limit 1)
    returning id, workspace_id, kind, payload, attempts, created_by`.execute(engine.db);
  return res.rows[0] ?? null;
}

async function finish(engine: Engine, id: string, state: 'succeeded' | 'failed' | 'queued', result: unknown, error: string | null) {
  await engine.db
    .updateTable('jobs')
    .set({
      state,
      result: result === undefined ? null : JSON.stringify(result),
      error,
      lease_until: null,
      updated_at: new Date(),
      finished_at: state === 'queued' ? null : new Date(),
      ...(state === 'queued' ? { run_after: new Date(Date.now() + 5_000) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function runOneJob(engine: Engine, log: Logger, handlers: Record<string, JobHandler>): Promise<boolean> {
  const job = await claimJob(engine, Object.keys(handlers));
  if (!job) return false;
  const ctx: JobContext = {
    engine,
    log,
    progress: async (p) => {
      await engine.db
        .updateTable('jobs')
        .set({ progress: JSON.stringify(p), updated_at: new Date(), lease_until: new Date(Date.now() + LEASE_SECONDS * 1000) })
        .where('id', '=', job.id)
        .execute();
    },
  };
  try {
    const result = await handlers[job.kind](job, ctx);
    await finish(engine, job.id, 'succeeded', result, null);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err, jobId: job.id, kind: job.kind }, 'job failed');
    await finish(engine, job.id, job.attempts >= MAX_ATTEMPTS ? 'failed' : 'queued', undefined, message);
  }
  return true;
}

export function runJobsLoop(deps: { engine: Engine; log: Logger; handlers: Record<string, JobHandler>; idleMs?: number }) {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let worked = false;
      try {
        worked = await runOneJob(deps.engine, deps.log, deps.handlers);
      } catch (err) {
        deps.log.warn({ err }, 'job poll failed');
      }
      if (!worked && !stopped) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, deps.idleMs ?? 500);
        });
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
