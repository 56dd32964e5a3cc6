import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import type { Database } from './database.ts';

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
    const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, pool, close: () => db.destroy() };
  }
  const dir = resolve(opts.dataDir ?? './data');
  mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
  const db: Db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { kind: 'pglite', db, pglite, close: () => db.destroy() };
}
