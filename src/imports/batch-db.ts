import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Engine } from '../platform/db.ts';

// Bulk loading speaks to the drivers directly: Kysely has no COPY. One batch = one transaction,
// so a long import commits as it goes and, on PGlite, lets other requests in between batches.

export interface BatchTx {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** COPY text-format rows (already escaped with copyLine) into a table. */
  copyIn(table: string, columns: string[], data: string): Promise<void>;
}

/** IMPORT_PROFILE=1: time spent per statement, printed by the bench (to find the slow step). */
export const profile = new Map<string, number>();
function timed(tx: BatchTx): BatchTx {
  if (!process.env.IMPORT_PROFILE) return tx;
  const add = (key: string, t0: number) => profile.set(key, (profile.get(key) ?? 0) + performance.now() - t0);
  return {
    async query(text, params) {
      const t0 = performance.now();
      try {
        return await tx.query(text, params);
      } finally {
        add(text.replace(/\s+/g, ' ').trim().slice(0, 60), t0);
      }
    },
    async copyIn(table, columns, data) {
      const t0 = performance.now();
      try {
        return await tx.copyIn(table, columns, data);
      } finally {
        add(`COPY ${table}`, t0);
      }
    },
  };
}

export async function inBatchTransaction<T>(engine: Engine, fn: (tx: BatchTx) => Promise<T>, opts: { lockTimeoutMs?: number } = {}): Promise<T> {
  if (engine.pool) {
    const client = await engine.pool.connect();
    try {
      // One round trip: the batch's session settings live and die with its transaction.
      // - synchronous_commit off: the batch and the import's counters commit together, so a crash
      //   can lose at most the last few batches *and* their counters; the resumable job then
      //   simply redoes them (it resumes after the last committed batch). Nothing half-applied.
      // - jit off: the batch statements are key lookups and set inserts whose estimated cost
      //   crosses jit_above_cost as the staging table grows; compiling them cost more than running them.
      // - lock_timeout (imports whose batches may overlap): a batch waiting in Node for the one
      //   before it to commit holds row locks that PostgreSQL's deadlock detector does not know are
      //   held by a wait; a cycle through a third transaction then ends in a failed batch, not a hang.
      const lockTimeout = opts.lockTimeoutMs ? `; set local lock_timeout = ${Math.floor(opts.lockTimeoutMs)}` : '';
      await client.query(`begin; set local synchronous_commit = off; set local jit = off; set local work_mem = '64MB'${lockTimeout}`);
      const tx: BatchTx = {
        async query(text, params) {
          const r = await client.query(text, params as unknown[]);
          return { rows: r.rows, rowCount: r.rowCount ?? 0 };
        },
        async copyIn(table, columns, data) {
          if (data === '') return;
          const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
          await pipeline(Readable.from([data]), stream);
        },
      };
      const out = await fn(timed(tx));
      const t0 = performance.now();
      await client.query('commit');
      if (process.env.IMPORT_PROFILE) profile.set('COMMIT', (profile.get('COMMIT') ?? 0) + performance.now() - t0);
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  const pglite = engine.pglite;
  if (!pglite) throw new Error('engine has neither a pool nor PGlite');
  // Holding Kysely's connection lock keeps every other query off the single PGlite connection
  // for the length of this batch (and only this batch).
  return engine.db.connection().execute(() =>
    pglite.transaction(async (t) => {
      const tx: BatchTx = {
        async query(text, params) {
          const r = await t.query(text, params as unknown[]);
          return { rows: r.rows as any[], rowCount: r.affectedRows ?? r.rows.length };
        },
        async copyIn(table, columns, data) {
          if (data === '') return;
          await t.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([data]) });
        },
      };
      return fn(timed(tx));
    }),
  );
}

const SPECIAL = /[\\\t\n\r]/;

/** One value in COPY text format: \N for null, backslash escapes for the delimiters. */
export function copyValue(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  if (!SPECIAL.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const ARRAY_SPECIAL = /[",\\{}\s]|^null$/i;

/** A text[] literal ({"a","b"}), before COPY escaping. */
export function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    out += v === '' || ARRAY_SPECIAL.test(v) ? '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"' : v;
  }
  return out + '}';
}

export function copyLine(values: Array<string | number | boolean | null | undefined>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i) out += '\t';
    out += copyValue(values[i]);
  }
  return out + '\n';
}
