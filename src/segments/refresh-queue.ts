import { sql, type Kysely } from 'kysely';
import { refreshSlowingFlags } from '../insights/slowing.ts';
import type { Database } from '../platform/database.ts';
import type { Engine } from '../platform/db.ts';
import type { Logger } from '../platform/log.ts';
import { buildWorkspaceSegments, refreshContactSegments } from './build.ts';

// Keeping membership current between scheduled rebuilds (docs/decisions/0015). Triggers queue
// every customer a write touches in contact_refresh_queue, in the writer's own transaction; this
// loop takes the queue in per-workspace batches and, in one transaction per batch, deletes the
// rows and re-evaluates the slowing flag and every dynamic segment for just those customers. A
// crash before commit leaves the rows queued, so a refresh can repeat but is never lost.

export interface DrainOptions {
  /** Queue rows taken per workspace and transaction. */
  batch?: number;
  /** From this many distinct customers, one full rebuild is cheaper than per-customer refreshes. */
  fullAbove?: number;
  /** Only this workspace's rows (tests; the loop takes every workspace). */
  workspaceId?: string;
}

export interface DrainResult {
  rows: number;
  contacts: number;
  fullRebuilds: number;
  /** Workspaces that failed this round; their rows stay queued. */
  failed: Array<{ workspaceId: string; error: unknown }>;
  /** Workspaces refreshed this round. */
  done: string[];
}

/** Queued by a bulk statement (migration 0015): every customer of the workspace. */
const WHOLE_WORKSPACE = '00000000-0000-0000-0000-000000000000';
const BATCH = 5000;
// A per-customer refresh costs a few index probes per customer and segment; a full build of 1M
// customers costs ~150–250 ms per segment. Past a few thousand customers the full build wins.
const FULL_ABOVE = 3000;

interface Taken {
  rows: number;
  contactIds: string[];
  full: boolean;
}

/** One workspace's batch, in one transaction. Null when another process holds the workspace. */
async function drainWorkspace(db: Kysely<Database>, workspaceId: string, batch: number, fullAbove: number): Promise<Taken | null> {
  return db.transaction().execute(async (trx) => {
    // One drainer per workspace at a time: two would only queue behind each other's segment
    // locks, and their flag upserts over shared customers could deadlock.
    const got = await sql<{ ok: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended('refresh:' || ${workspaceId}, 727)) as ok,
             set_config('rapport.refreshing', 'on', true)`.execute(trx);
    if (!got.rows[0]?.ok) return null;
    const taken = await sql<{ contact_id: string }>`
      delete from contact_refresh_queue
      where id = any(array(
        select id from contact_refresh_queue where workspace_id = ${workspaceId}
        order by id limit ${batch} for update skip locked))
      returning contact_id`.execute(trx);
    const contactIds = [...new Set(taken.rows.map((r) => r.contact_id))].filter((id) => id !== WHOLE_WORKSPACE);
    const whole = taken.rows.some((r) => r.contact_id === WHOLE_WORKSPACE);
    if (taken.rows.length === 0) return { rows: 0, contactIds, full: false };
    if (whole || contactIds.length >= fullAbove) {
      // A bulk write (an import, a merge of many): the full rebuild below sees everything already
      // committed, which includes every row this delete can see, so they are all answered by it.
      const rest = await sql`delete from contact_refresh_queue where workspace_id = ${workspaceId}`.execute(trx);
      await refreshSlowingFlags(trx, workspaceId);
      await buildWorkspaceSegments(trx, workspaceId);
      return { rows: taken.rows.length + Number(rest.numAffectedRows ?? 0), contactIds, full: true };
    }
    // Flags first: a rule may look at the slowing flag.
    await refreshSlowingFlags(trx, workspaceId, contactIds);
    await refreshContactSegments(trx, workspaceId, contactIds);
    return { rows: taken.rows.length, contactIds, full: false };
  });
}

/** Workspaces with queued customers, oldest first, leaving out those in `skip`. */
async function queuedWorkspaces(db: Kysely<Database>, skip: string[], batch: number): Promise<string[]> {
  const res = await sql<{ workspace_id: string }>`
    select workspace_id from (
      select workspace_id, min(id) as first from (
        select id, workspace_id from contact_refresh_queue
        where workspace_id <> all(${skip}::uuid[]) order by id limit ${batch}) h
      group by workspace_id) w
    order by first`.execute(db);
  return res.rows.map((r) => r.workspace_id);
}

/** Takes one round of batches (one per queued workspace). */
export async function drainRefreshQueueOnce(db: Kysely<Database>, opts: DrainOptions & { skip?: string[] } = {}): Promise<DrainResult & { more: boolean }> {
  const batch = opts.batch ?? BATCH;
  const fullAbove = opts.fullAbove ?? FULL_ABOVE;
  const out: DrainResult & { more: boolean } = { rows: 0, contacts: 0, fullRebuilds: 0, failed: [], done: [], more: false };
  const workspaces = opts.workspaceId ? [opts.workspaceId] : await queuedWorkspaces(db, opts.skip ?? [], batch);
  for (const ws of workspaces) {
    try {
      const t = await drainWorkspace(db, ws, batch, fullAbove);
      if (!t) continue;
      out.done.push(ws);
      out.rows += t.rows;
      out.contacts += t.contactIds.length;
      if (t.full) out.fullRebuilds++;
      if (t.rows >= batch && !t.full) out.more = true;
    } catch (error) {
      out.failed.push({ workspaceId: ws, error });
    }
  }
  return out;
}

/** Drains until the queue (or the workspace's part of it) is empty; for tests and the CLI. */
export async function drainRefreshQueue(db: Kysely<Database>, opts: DrainOptions = {}): Promise<DrainResult> {
  const total: DrainResult = { rows: 0, contacts: 0, fullRebuilds: 0, failed: [], done: [] };
  for (;;) {
    const r = await drainRefreshQueueOnce(db, { ...opts, skip: total.failed.map((f) => f.workspaceId) });
    total.rows += r.rows;
    total.contacts += r.contacts;
    total.fullRebuilds += r.fullRebuilds;
    total.failed.push(...r.failed);
    total.done.push(...r.done.filter((ws) => !total.done.includes(ws)));
    if (r.rows === 0) return total;
  }
}

export const REFRESH_EVERY_MS = 100;
const VACUUM_EVERY_ROWS = 20_000;
const MARKS_VACUUM_EVERY = 10;

/**
 * The worker's loop: a round every ~100 ms, straight away again while batches come back full.
 * A workspace whose refresh fails (a deadlock with a full build, a bad rule) waits a growing
 * delay before its next try, and meanwhile does not hold up the others.
 */
export function startRefreshLoop(deps: { engine: Engine; log: Logger; everyMs?: number }): { stop(): Promise<void> } {
  const every = deps.everyMs ?? REFRESH_EVERY_MS;
  const failures = new Map<string, { count: number; until: number }>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  // The loop vacuums the queue itself, now and then: PGlite runs no autovacuum, and on PostgreSQL
  // autovacuum's one-minute cycle (or none: some servers turn it off) leaves a queue taking 10,000+
  // rows/s with millions of dead rows, which every drain then reads through.
  let deletedSinceVacuum = 0;
  let queueVacuums = 0;
  let tableVacuum: Promise<void> | null = null;
  const round = async () => {
    const now = Date.now();
    const skip = [...failures].filter(([, f]) => f.until > now).map(([ws]) => ws);
    const r = await drainRefreshQueueOnce(deps.engine.db, { skip });
    deletedSinceVacuum += r.rows;
    if (deletedSinceVacuum >= VACUUM_EVERY_ROWS) {
      deletedSinceVacuum = 0;
      await sql`vacuum contact_refresh_queue`.execute(deps.engine.db);
      // Each event rewrites its customer's row of contact_event_marks, and the first of each hour
      // their row of contact_last_contact (migrations 0019, 0020); less often, as vacuuming reads
      // a whole index, but often enough that the dead rows do not pile up and that index-only
      // scans find the pages all-visible.
      // Not awaited: at 1M customers these take seconds, and a round waiting for them held every
      // membership change back that long (one freshness probe took 2.2 s under load). On
      // PostgreSQL they run on a connection of their own; PGlite has one connection either way.
      if (++queueVacuums % MARKS_VACUUM_EVERY === 0 && !tableVacuum) {
        tableVacuum = (async () => {
          await sql`vacuum contact_event_marks`.execute(deps.engine.db);
          await sql`vacuum contact_last_contact`.execute(deps.engine.db);
        })()
          .catch((err) => deps.log.warn({ err }, 'vacuum of the kept-times tables failed'))
          .finally(() => (tableVacuum = null));
      }
    }
    for (const f of r.failed) {
      const count = (failures.get(f.workspaceId)?.count ?? 0) + 1;
      failures.set(f.workspaceId, { count, until: Date.now() + Math.min(60_000, every * 2 ** count) });
      deps.log.warn({ err: f.error, workspaceId: f.workspaceId, attempt: count }, 'segment refresh failed; customers stay queued');
    }
    for (const ws of r.done) failures.delete(ws);
    return r.more;
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    running = round()
      .catch((err) => {
        deps.log.warn({ err }, 'segment refresh round failed');
        return false;
      })
      .then((more) => {
        running = null;
        if (!stopped) (timer = setTimeout(tick, more ? 0 : every)).unref();
      });
  };
  (timer = setTimeout(tick, every)).unref();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await tableVacuum;
    },
  };
}
