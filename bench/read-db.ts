import pg from 'pg';
import { postgresEngine, type Engine } from '../src/platform/db.ts';
import { benchDatabaseUrl } from './databases.ts';

// The read benchmark's database, shared by the harness (bench/read-api.ts) and its server
// (bench/read-server.ts). A module of its own: the server is compiled into one file, and importing
// the harness would bring the harness's own "run me" entry point along with it.

export const READ_DATABASE_URL = benchDatabaseUrl('bench_read');

export function openPostgres(poolSize: number, parallel: boolean): Engine {
  const pool = new pg.Pool({
    connectionString: READ_DATABASE_URL,
    max: poolSize,
    // The app's own setting is 0 (src/platform/db.ts); the comparison run allows 2 workers per gather.
    options: `-c max_parallel_workers_per_gather=${parallel ? 2 : 0}`,
  });
  pool.on('error', () => undefined);
  return postgresEngine(pool);
}
