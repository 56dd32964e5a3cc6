import pg from 'pg';

// Each PostgreSQL benchmark keeps its data set in a database of its own, created when missing,
// instead of the shared `test` database, where the suite leaves its workspaces and every other
// benchmark its millions of rows: a figure then depends only on its own data set. (A second
// tenant's 1,000,000 contacts beside the segments data set moved the nested builder rule from
// 749–774 ms to 738–803 ms: sharing costs little, but the figures are cleaner apart.)

export const BENCH_SERVER = process.env.BENCH_POSTGRES_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** Creates the database a URL names: when missing, or (fresh) after dropping it. */
export async function ensureDatabase(url: string, opts: { fresh?: boolean } = {}): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  const quoted = `"${name.replace(/"/g, '""')}"`;
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    if (opts.fresh) await admin.query(`drop database if exists ${quoted} with (force)`);
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`create database ${quoted}`);
  } finally {
    await admin.end();
  }
}

/** The URL of a benchmark's own database (BENCH_DATABASE_URL puts every benchmark in one). */
export function benchDatabaseUrl(name: string): string {
  return process.env.BENCH_DATABASE_URL ?? `${BENCH_SERVER}/${name}`;
}
