import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { Kysely, PGliteDialect, PostgresDialect, type CompiledQuery, type QueryExecutorProvider, type Transaction } from 'kysely';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from './database.ts';
import { openPGlite } from './pglite-open.ts';

export type Db = Kysely<Database>;
export type EngineKind = 'pglite' | 'postgres';

/**
 * One query layer (Kysely) over either engine. The raw driver handles are exposed only for
 * bulk loading (COPY), which Kysely does not speak.
 */
export interface Engine {
  kind: EngineKind;
  db: Db;
  /** Set for the embedded engine. Use only inside db.connection().execute(), which holds Kysely's single-connection lock. */
  pglite?: PGlite;
  /** Set for the server engine. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

// Bigint columns (counts, identities) come back as strings from pg; keep them exact and let code parse where needed.
// Dates come back as Date on both engines.

export interface OpenOptions {
  databaseUrl?: string;
  /** Data directory for PGlite. Always on disk: in memory PGlite degrades badly past ~100k rows. */
  dataDir?: string;
  poolSize?: number;
}

/** The pool behind each server engine's Kysely instance, for executePrepared. */
const pools = new WeakMap<object, pg.Pool>();

/** The server engine over a pool: Kysely for queries, the pool itself for COPY and prepared statements. */
export function postgresEngine(pool: pg.Pool): Engine {
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { kind: 'postgres', db, pool, close: () => db.destroy() };
}

export async function openEngine(opts: OpenOptions): Promise<Engine> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // On 2 cores parallel plans made indexed lookups slower (planner misestimate); see docs/decisions.
      options: '-c max_parallel_workers_per_gather=0',
    });
    pool.on('error', () => {
      // An idle client lost its server (restart); the pool replaces it on next use.
    });
    // A checked-out client that loses its server between two queries (inside a transaction, in a
    // long job) emits 'error' too, and with no listener Node ends the process. The failure still
    // reaches whoever uses the client (its next query rejects, answered 503), and pg-pool drops
    // the broken client on release.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    return postgresEngine(pool);
  }
  const pglite = await openPGlite(resolve(opts.dataDir ?? './data'));
  const db: Db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { kind: 'pglite', db, pglite, close: () => db.destroy() };
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = 'k' + createHash('sha1').update(text).digest('base64url').slice(0, 20);
    // Callers name a fixed handful of texts; the bound only guards against misuse.
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs a query as a named prepared statement on the server engine: each pooled connection
 * parses it once, and after five executions PostgreSQL may keep a generic plan instead of
 * planning again. For the read API's hottest statements, planning cost several times the
 * execution (0.4 ms vs 0.1 ms for the 360 view's profile join at 1M contacts).
 *
 * Only for statements of fixed text whose generic plan is as good as a custom one: lookups by
 * key, and index ranges whose bounds are expressions of the parameters. A bare `like` prefix is
 * not one: a generic plan cannot turn a parameter pattern into an index range (the name search
 * adds the range itself, contacts/queries.ts prefixRange). Every distinct text stays prepared on
 * every pooled connection, so never use it for generated text of unbounded variety. Elsewhere
 * (PGlite, transactions, pinned connections) it is a plain query.
 */
export async function executePrepared<R>(db: Db | Transaction<Database>, query: { compile(executor: QueryExecutorProvider): CompiledQuery<R> }): Promise<R[]> {
  const compiled = query.compile(db);
  const pool = pools.get(db);
  if (!pool) return (await db.executeQuery(compiled)).rows;
  const r = await pool.query({ name: statementName(compiled.sql), text: compiled.sql, values: compiled.parameters as unknown[] });
  return r.rows as R[];
}
