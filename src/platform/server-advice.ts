import { sql } from 'kysely';
import type { Db } from './db.ts';

// Rapport's write paths (event ingestion, imports, segment refreshes) touch index pages of
// million-row tables at random. Two PostgreSQL settings decide whether that stays in memory and
// whether dead rows are cleaned up; both ship with defaults meant for a tiny server. Rapport
// does not change server settings itself (they belong to whoever runs the server): at start it
// reads them and says what to change. docs/postgresql.md has the measurements.

export interface ServerSettings {
  autovacuum: boolean;
  /** Bytes. */
  sharedBuffers: number;
  /** Bytes. */
  maxWalSize: number;
}

export interface Advice {
  setting: 'autovacuum' | 'shared_buffers' | 'max_wal_size';
  message: string;
}

const MB = 1024 * 1024;
/** PostgreSQL's own default is 128 MB; below 256 MB every customer index outgrows it at ~100k customers. */
const MIN_SHARED_BUFFERS = 256 * MB;
const MIN_MAX_WAL_SIZE = 2048 * MB;

/** What to change, given the server's settings; empty when nothing needs saying. */
export function serverAdvice(s: ServerSettings): Advice[] {
  const out: Advice[] = [];
  if (!s.autovacuum) {
    out.push({
      setting: 'autovacuum',
      message:
        'autovacuum is off: dead rows of the events, segment and queue tables are never cleaned up and the planner statistics go stale. Rapport vacuums only its refresh queue and its kept-times tables. Turn it on (autovacuum = on).',
    });
  }
  if (s.sharedBuffers < MIN_SHARED_BUFFERS) {
    out.push({
      setting: 'shared_buffers',
      message: `shared_buffers is ${Math.round(s.sharedBuffers / MB)} MB: the customer and event indexes do not fit, and each lookup reads from the operating system. Set it to about a quarter of the server's memory (restart needed).`,
    });
  }
  if (s.maxWalSize < MIN_MAX_WAL_SIZE) {
    out.push({
      setting: 'max_wal_size',
      message: `max_wal_size is ${Math.round(s.maxWalSize / MB)} MB: under steady ingestion the server checkpoints often, and after each checkpoint writes every index page it touches to the WAL whole again. Set it to 4GB or more.`,
    });
  }
  return out;
}

/** pg_settings gives a number and a unit ('8kB', 'MB'); the unit is a multiplier, possibly with a factor. */
function bytes(setting: string, unit: string | null): number {
  const m = /^(\d*)\s*(B|kB|MB|GB|TB)?$/.exec(unit ?? '');
  const factor = m && m[1] ? Number(m[1]) : 1;
  const scale = { B: 1, kB: 1024, MB: MB, GB: 1024 * MB, TB: 1024 * 1024 * MB }[(m?.[2] ?? 'B') as 'B'];
  return Number(setting) * factor * scale;
}

export async function readServerSettings(db: Db): Promise<ServerSettings> {
  const { rows } = await sql<{ name: string; setting: string; unit: string | null }>`
    select name, setting, unit from pg_settings where name in ('autovacuum', 'shared_buffers', 'max_wal_size')`.execute(db);
  const by = new Map(rows.map((r) => [r.name, r]));
  const get = (name: string) => {
    const r = by.get(name);
    if (!r) throw new Error(`pg_settings has no ${name}`);
    return r;
  };
  return {
    autovacuum: get('autovacuum').setting === 'on',
    sharedBuffers: bytes(get('shared_buffers').setting, get('shared_buffers').unit),
    maxWalSize: bytes(get('max_wal_size').setting, get('max_wal_size').unit),
  };
}
