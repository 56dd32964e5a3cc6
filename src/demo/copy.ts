import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql } from 'kysely';
import type { Engine } from '../platform/db.ts';

// Bulk loading through COPY on both engines: one statement per table per batch instead of one
// per row. PGlite is single-connection and pays per statement, so this matters most there.

export type CopyValue = string | number | boolean | null | undefined | string[] | Date | object;

const SPECIAL = /[\\\t\n\r]/;

function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

function arrayLiteral(items: string[]): string {
  return '{' + items.map((i) => '"' + i.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(',') + '}';
}

export function encodeValue(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return escapeText(arrayLiteral(v as string[]));
  return escapeText(JSON.stringify(v));
}

/**
 * Rows for one table in COPY text format, flushed as one statement. Each line goes straight into
 * a Buffer: strings then die young, which keeps the garbage collector out of the way (a batch of
 * retained strings was the biggest cost of generating 100k customers).
 */
export class CopyBuffer {
  private buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;
  rows = 0;

  constructor(readonly table: string, readonly columns: readonly string[]) {}

  add(values: CopyValue[]): void {
    let line = encodeValue(values[0]);
    for (let i = 1; i < values.length; i++) line += '\t' + encodeValue(values[i]);
    line += '\n';
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.len + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(line, this.len);
    this.rows++;
  }

  /** Hands the rows over as a batch, so generation can go on while the batch is written. */
  take(): CopyBatch {
    const batch = { table: this.table, columns: this.columns, rows: this.rows, data: this.buf.subarray(0, this.len) };
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.len = 0;
    this.rows = 0;
    return batch;
  }
}

export interface CopyBatch {
  table: string;
  columns: readonly string[];
  rows: number;
  data: Buffer;
}

export interface BulkSession {
  copy(batch: CopyBatch): Promise<void>;
  query(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/**
 * Runs `fn` in one transaction on one connection with COPY available. On PostgreSQL this is a
 * dedicated pool client; on PGlite Kysely's connection lock is held so nothing else interleaves.
 */
export async function withBulkSession<T>(engine: Engine, fn: (s: BulkSession) => Promise<T>): Promise<T> {
  if (engine.pool) return withPgClient(engine.pool, fn);
  const pglite = engine.pglite;
  if (!pglite) throw new Error('engine has neither a pool nor PGlite');
  return engine.db.connection().execute(() => withPglite(pglite, fn));
}

async function withPgClient<T>(pool: pg.Pool, fn: (s: BulkSession) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const session: BulkSession = {
      async copy(b) {
        if (b.rows === 0) return;
        const stream = client.query(copyFrom(`copy ${b.table} (${b.columns.join(', ')}) from stdin`));
        await pipeline(Readable.from([b.data]), stream);
      },
      async query(text, params) {
        return (await client.query(text, params as unknown[])).rows;
      },
    };
    const result = await fn(session);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function withPglite<T>(pglite: PGlite, fn: (s: BulkSession) => Promise<T>): Promise<T> {
  return pglite.transaction(async (tx: Transaction) => {
    const session: BulkSession = {
      async copy(b) {
        if (b.rows === 0) return;
        // PGlite reads COPY input from the virtual file /dev/blob.
        await tx.query(`copy ${b.table} (${b.columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([b.data as Uint8Array<ArrayBuffer>]) });
      },
      async query(text, params) {
        return (await tx.query<Record<string, unknown>>(text, params)).rows;
      },
    };
    return fn(session);
  });
}

/** Fresh planner statistics after a bulk load, so the first queries do not plan for empty tables. */
export async function analyze(engine: Engine, tables: string[]): Promise<void> {
  await sql.raw(`analyze ${tables.join(', ')}`).execute(engine.db);
}
