import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Engine } from './db.ts';
import { PROJECT_ROOT } from './paths.ts';

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Applies the numbered SQL files not yet applied, each in its own transaction. On PostgreSQL an
 * advisory lock makes concurrent starters (test files, several workers) wait instead of racing.
 */
export async function migrate(engine: Engine, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  await engine.db.connection().execute(async (conn) => {
    if (engine.kind === 'postgres') await sql`select pg_advisory_lock(727274)`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        version int primary key, name text not null, applied_at timestamptz not null default now())`.execute(conn);
      const done = await sql<{ version: number }>`select version from schema_migrations`.execute(conn);
      const have = new Set(done.rows.map((r) => Number(r.version)));
      for (const m of listMigrations(dir)) {
        if (have.has(m.version)) continue;
        const record = `insert into schema_migrations (version, name) values (${m.version}, '${m.name}');`;
        if (engine.pglite) {
          // PGlite's query() is one prepared statement; a migration file is many, so it goes through exec().
          // Kysely's connection lock is held here, so nothing else runs on the single connection meanwhile.
          await engine.pglite.transaction(async (tx) => {
            await tx.exec(m.sql);
            await tx.exec(record);
          });
        } else {
          await conn.transaction().execute(async (trx) => {
            await sql.raw(m.sql).execute(trx);
            await sql.raw(record).execute(trx);
          });
        }
        applied.push(m.name);
      }
    } finally {
      if (engine.kind === 'postgres') await sql`select pg_advisory_unlock(727274)`.execute(conn);
    }
  });
  return applied;
}
