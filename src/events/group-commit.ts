import type { Engine } from '../platform/db.ts';
import { identityKeys, insertEvents, insertEventsPrepared, rowKey, type EventRow, type StoredEvent } from './store.ts';

// Group commit: /v1/track and friends each add a few rows; instead of one transaction per
// request, requests arriving together share one transaction and one INSERT. Every request is
// answered only after that transaction has committed, so a 200 still means "durable" and a
// failed commit fails every request in it (clients retry; messageIds dedupe).
// When nothing is being written, a group is written at the end of the current event-loop turn
// (everything that arrived in that turn goes together); a fixed wait there only added latency,
// and with a fixed number of clients latency is throughput (a 4 ms wait held /v1/track at
// ~5,300 requests/s with both cores half idle). While a group is being written, newcomers gather
// into the next one, which goes as soon as the write finishes (or after maxDelayMs into a second
// slot, if the write is slow), so the busier the server, the larger (and cheaper per event) the
// statements and commits.

export interface GroupCommitOptions {
  /** While another group is being written, how long a newcomer waits before taking a second slot. */
  maxDelayMs?: number;
  /** A group this large is written at once. */
  maxRows?: number;
  /** Groups being written at the same time, at most. */
  maxInFlight?: number;
}

interface Waiter {
  rows: EventRow[];
  resolve(results: Array<StoredEvent | null>): void;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  flushes: number;
  rows: number;
  largestGroup: number;
  mostInFlight: number;
}

export class GroupCommit {
  private waiting: Waiter[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private inFlight = new Set<Promise<void>>();
  readonly stats: GroupCommitStats = { flushes: 0, rows: 0, largestGroup: 0, mostInFlight: 0 };
  private readonly maxDelayMs: number;
  private readonly maxRows: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly engine: Engine,
    opts: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 4;
    this.maxRows = opts.maxRows ?? 2000;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  /** Resolves after commit with, per row, the stored event or null when its messageId was already stored. */
  submit(rows: EventRow[]): Promise<Array<StoredEvent | null>> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      this.waitingRows += rows.length;
      if (this.waitingRows >= this.maxRows) this.flushWhenFree();
      else this.schedule();
    });
  }

  /** The next write of what waits: this turn's end when idle, else a slot's freeing or the delay. */
  private schedule(): void {
    if (this.inFlight.size === 0) this.immediate ??= setImmediate(() => this.flushWhenFree());
    else this.timer ??= setTimeout(() => this.flushWhenFree(), this.maxDelayMs);
  }

  /** Writes whatever waits and resolves when every write in progress has finished. */
  async drain(): Promise<void> {
    while (this.waiting.length > 0 || this.inFlight.size > 0) {
      this.flushWhenFree();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private flushWhenFree(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
    if (this.waiting.length === 0) return;
    // No slot: the write in progress takes what waits when it finishes.
    if (this.inFlight.size >= this.maxInFlight) return;
    // A group larger than maxRows (many full requests arrived during a write) is split, never a
    // request: a request's rows always commit together.
    const group: Waiter[] = [];
    let n = 0;
    while (this.waiting.length > 0 && (group.length === 0 || n + this.waiting[0]!.rows.length <= this.maxRows)) {
      const w = this.waiting.shift()!;
      group.push(w);
      n += w.rows.length;
    }
    this.waitingRows -= n;
    const p = this.write(group).finally(() => {
      this.inFlight.delete(p);
      // A slot is free: what gathered during the write is the next group.
      if (this.waiting.length > 0) this.flushWhenFree();
    });
    this.inFlight.add(p);
    this.stats.mostInFlight = Math.max(this.stats.mostInFlight, this.inFlight.size);
    // What the size limit left behind goes into a free slot when it is a full group already,
    // otherwise it waits its own short delay like any newcomer.
    if (this.waitingRows >= this.maxRows) this.flushWhenFree();
    else if (this.waiting.length > 0) this.schedule();
  }

  private async write(group: Waiter[]): Promise<void> {
    // A messageId sent twice within one group (a retry racing the original) is stored once and
    // credited to the first sender; the other sees a duplicate, exactly as across groups.
    const seen = new Set<string>();
    const unique: EventRow[] = [];
    for (const w of group) for (const r of w.rows) {
      const k = rowKey(r.workspaceId, r.event.messageId);
      if (!seen.has(k)) {
        seen.add(k);
        unique.push(r);
      }
    }
    try {
      const pool = this.engine.kind === 'postgres' ? this.engine.pool : undefined;
      const stored = pool
        ? await insertEventsPrepared(pool, unique, unique.flatMap((r) => identityKeys(r.workspaceId, r.event)))
        : await this.engine.db.transaction().execute((trx) => insertEvents(trx, unique));
      this.stats.flushes++;
      this.stats.rows += unique.length;
      this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length);
      for (const w of group) {
        w.resolve(
          w.rows.map((r) => {
            const k = rowKey(r.workspaceId, r.event.messageId);
            const hit = stored.get(k) ?? null;
            if (hit) stored.delete(k);
            return hit;
          }),
        );
      }
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }
}

const committers = new WeakMap<Engine, GroupCommit>();

/** One buffer per engine (the app, and each test engine, gets its own). */
export function groupCommitFor(engine: Engine): GroupCommit {
  let gc = committers.get(engine);
  if (!gc) {
    gc = new GroupCommit(engine);
    committers.set(engine, gc);
  }
  return gc;
}
