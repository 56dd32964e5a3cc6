import type { Engine } from '../platform/db.ts';
import { identityKeys, insertEvents, lockIdentities, rowKey, type EventRow, type StoredEvent } from './store.ts';

// Group commit: /v1/track and friends each add a few rows; instead of one transaction per
// request, requests arriving within a few milliseconds share one transaction and one INSERT.
// Every request is answered only after that transaction has committed, so a 200 still means
// "durable" and a failed commit fails every request in it (clients retry; messageIds dedupe).

export interface GroupCommitOptions {
  /** How long the first request of a group waits for company. */
  maxDelayMs?: number;
  /** A group this large is written at once. */
  maxRows?: number;
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
}

export class GroupCommit {
  private waiting: Waiter[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  readonly stats: GroupCommitStats = { flushes: 0, rows: 0, largestGroup: 0 };
  private readonly maxDelayMs: number;
  private readonly maxRows: number;

  constructor(
    private readonly engine: Engine,
    opts: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 4;
    this.maxRows = opts.maxRows ?? 1000;
  }

  /** Resolves after commit with, per row, the stored event or null when its messageId was already stored. */
  submit(rows: EventRow[]): Promise<Array<StoredEvent | null>> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      this.waitingRows += rows.length;
      if (this.waitingRows >= this.maxRows) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.maxDelayMs);
    });
  }

  /** Writes whatever waits and resolves when every write in progress has finished. */
  async drain(): Promise<void> {
    this.flushNow();
    await Promise.allSettled([...this.inFlight]);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const group = this.waiting;
    if (group.length === 0) return;
    this.waiting = [];
    this.waitingRows = 0;
    const p = this.write(group).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
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
      const stored = await this.engine.db.transaction().execute(async (trx) => {
        if (this.engine.kind === 'postgres') {
          await lockIdentities(trx, unique.flatMap((r) => identityKeys(r.workspaceId, r.event)), 'shared');
        }
        return insertEvents(trx, unique);
      });
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
