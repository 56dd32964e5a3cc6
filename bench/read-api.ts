import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { sql } from 'kysely';
import { createApiKey } from '../src/auth/api-keys.ts';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import type { Engine } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { ensureDatabase } from './databases.ts';
import { READ_DATABASE_URL, openPostgres } from './read-db.ts';
import { spawnServer } from './server-process.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

// Read API under load on PostgreSQL: people search and the 360° view over 1,000,000 people and
// 10,000,000 timeline rows (times BENCH_SCALE). The data set is built server-side once and kept:
// the workspace's name records its size, and it is renamed from "(building)" only when complete.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  engine: string;
}


const FIRST = ['Anna', 'Mikko', 'Laura', 'Juha', 'Emilia', 'Ville', 'Sofia', 'Antti', 'Aino', 'Jussi', 'Maria', 'Pekka', 'James', 'Olivia', 'Oliver', 'Emily',
  'Ingrid', 'Lars', 'Nora', 'Magnus', 'Иван', 'Ольга', 'Алексей', 'Мария', 'Дмитрий', 'Анна', 'سارا', 'علی', 'مریم', 'رضا', 'Kari', 'Tiina', 'Henrik', 'Sophie'];
const LAST = ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen', 'Smith', 'Jones', 'Taylor',
  'Brown', 'Williams', 'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Berg', 'Иванов', 'Петрова', 'Смирнов', 'Кузнецова', 'Попов', 'محمدی', 'احمدی', 'حسینی', 'رضایی',
  'Salminen', 'Turunen', 'Kallio', 'Dahl', 'Lund'];
const TIMELINE = [
  ['order', 'order.placed', 'inbound', 'Order placed'], ['payment', 'payment.received', 'inbound', 'Payment received'], ['call', 'call.logged', 'inbound', 'Asked about delivery'],
  ['email', 'email.sent', 'outbound', 'Sent a quote'], ['note', 'note', 'internal', 'Prefers e-mail'], ['meeting', 'meeting.held', 'outbound', 'Quarterly review'],
];
/** Search terms people type: name prefixes (first or last name), of 2–5 letters, plus a few e-mail prefixes. */
export const SEARCH_TERMS: string[] = [
  ...FIRST.flatMap((n) => [n.slice(0, 2), n.slice(0, 3), n.slice(0, 5)]),
  ...LAST.flatMap((n) => [n.slice(0, 3), n.slice(0, 4), n]),
  'p1@', 'p42', 'p123', 'p99999',
].filter((t, i, all) => t.length >= 2 && all.indexOf(t) === i);


/**
 * Finds the complete data set of this size or builds it; returns the workspace id. The build
 * resumes a "(building)" workspace left by an interrupted run: every step is one statement, so
 * it either happened or not, and the timeline goes in slices counted from what is there.
 */
async function dataset(engine: Engine, people: number, timeline: number, log: (s: string) => void): Promise<{ workspaceId: string; userId: string }> {
  const name = `bench read-api ${people} people ${timeline} timeline v1`;
  const found = await engine.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  if (found) {
    const user = await engine.db.selectFrom('users').select('id').where('workspace_id', '=', found.id).executeTakeFirstOrThrow();
    log(`reusing data set "${name}"`);
    return { workspaceId: found.id, userId: user.id };
  }
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(0);
  const building = `${name} (building)`;
  let w = (await engine.db.selectFrom('workspaces').select('id').where('name', '=', building).executeTakeFirst())?.id;
  if (!w) {
    const tag = Math.random().toString(36).slice(2, 10);
    w = (await createWorkspace(engine.db, { workspaceName: building, adminEmail: `bench-read-${tag}@example.test`, adminPassword: `bench-${tag}-password` })).workspaceId;
  } else log('resuming an interrupted build');
  const workspaceId = w;
  const count = async (table: 'contacts' | 'contact_identities' | 'interactions') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(engine.db)).rows[0]!.n);

  // Set-based on the server: generate_series and array lookups; index maintenance dominates.
  if ((await count('contacts')) === 0) {
    await sql`
      insert into contacts (workspace_id, kind, first_name, last_name, name, emails, locale, source, tags, created_at, updated_at)
      select ${workspaceId}::uuid, 'person', f, l, f || ' ' || l, array['p' || g || '@bench.example.com'], 'en', 'bench',
             case when g % 10 = 0 then array['vip'] else '{}'::text[] end,
             now() - (g % 1000) * interval '1 day', now()
      from generate_series(1, ${people}::int) g,
           lateral (select (${FIRST}::text[])[1 + g % ${FIRST.length}] as f,
                           (${LAST}::text[])[1 + (g / ${FIRST.length}) % ${LAST.length}] as l) n`.execute(engine.db);
    log(`people: ${people} in ${secs()} s`);
  }
  if ((await count('contact_identities')) === 0) {
    await sql`
      insert into contact_identities (workspace_id, kind, value, contact_id)
      select workspace_id, 'email', emails[1], id from contacts where workspace_id = ${workspaceId}`.execute(engine.db);
    log(`identities in ${secs()} s`);
  }
  const have = await count('interactions');
  // One pinned connection, so the id lookup table can be a temporary table.
  await engine.db.connection().execute(async (db) => {
    await sql`create temp table bench_read_ids as
      select row_number() over (order by id) as rn, id from contacts where workspace_id = ${workspaceId}`.execute(db);
    await sql`create index on bench_read_ids (rn)`.execute(db);
    await sql`analyze bench_read_ids`.execute(db);
    const col = (n: number) => TIMELINE.map((r) => r[n]!);
    // Each slice walks the contacts in id order, so the timeline index and the foreign-key checks
    // touch pages in key order instead of at random: several times faster than random contacts.
    const slice = 1_000_000;
    for (let from = have; from < timeline; from += slice) {
      const to = Math.min(timeline, from + slice);
      await sql`
        insert into interactions (workspace_id, contact_id, channel, type, direction, occurred_at, summary, created_at)
        select ${workspaceId}::uuid, i.id, (${col(0)}::text[])[k], (${col(1)}::text[])[k], (${col(2)}::text[])[k],
               now() - ((g * 7919) % 730) * interval '1 day' - (g % 86400) * interval '1 second', (${col(3)}::text[])[k], now()
        from generate_series(${from + 1}::bigint, ${to}::bigint) g
        cross join lateral (select 1 + (g * 31) % ${TIMELINE.length} as k) kk
        join bench_read_ids i on i.rn = 1 + (g - 1) % ${people}
        order by g`.execute(db);
      log(`timeline: ${to} of ${timeline} in ${secs()} s`);
    }
    await sql`drop table bench_read_ids`.execute(db);
  });
  await sql`analyze contacts, contact_identities, contact_tags, interactions`.execute(engine.db);
  await engine.db.updateTable('workspaces').set({ name }).where('id', '=', workspaceId).execute();
  log(`data set built in ${secs()} s`);
  const user = await engine.db.selectFrom('users').select('id').where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return { workspaceId, userId: user.id };
}

async function load(url: string, key: string, duration: number, paths: () => string): Promise<Result> {
  return autocannon({
    url,
    connections: 50,
    duration,
    headers: { authorization: `Bearer ${key}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths() }) }],
  });
}

export async function benchReadApi(opts: { scale: number; duration?: number; log?: (s: string) => void }): Promise<BenchResult[]> {
  const log = opts.log ?? ((s: string) => console.log(`[read-api] ${s}`));
  const people = Math.max(1000, Math.round(1_000_000 * opts.scale));
  const timeline = Math.max(10_000, Math.round(10_000_000 * opts.scale));
  const duration = opts.duration ?? 15;
  await ensureDatabase(READ_DATABASE_URL);
  const setup = openPostgres(2, false);
  await migrate(setup);
  const { workspaceId, userId } = await dataset(setup, people, timeline, log);
  const { key } = await createApiKey(setup.db, { workspaceId, name: 'read-api bench', role: 'analyst', createdBy: userId });
  const ids = (await sql<{ id: string }>`
    select id from contacts where workspace_id = ${workspaceId} order by md5(id::text) limit 5000`.execute(setup.db)).rows.map((r) => r.id);
  await setup.close();

  let i = 0;
  const searchPath = () => `/api/v1/people?search=${encodeURIComponent(SEARCH_TERMS[i++ % SEARCH_TERMS.length]!)}&limit=25`;
  let j = 0;
  const viewPath = () => `/api/v1/contacts/${ids[(j++ * 7) % ids.length]}/360`;

  const results: BenchResult[] = [];
  const size = `${people / 1000}k people, ${timeline / 1_000_000}M timeline`;
  for (const parallel of [false, true]) {
    // The server runs in a process of its own (bench/read-server.ts), as it would in production:
    // sharing this process's event loop with autocannon, it got one core between the two.
    // READ_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles it.
    const server = await spawnServer(join(HERE, 'read-server.ts'), { BENCH_DATABASE_URL: READ_DATABASE_URL, READ_PARALLEL: parallel ? '1' : '0' }, (process.env.READ_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
    const url = server.url;
    const label = parallel ? ' (parallel workers 2)' : '';
    try {
      for (const [what, paths] of [['people search', searchPath], ['contact 360', viewPath]] as const) {
        // A short warm-up so the first seconds of cold caches do not decide p99.
        await load(url, key, 2, paths);
        const r = await load(url, key, duration, paths);
        log(`${what}${label}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${Math.round(r.requests.average)} req/s, non-2xx ${r.non2xx}, errors ${r.errors}`);
        const name = `${what}${label} [${size}, 50 conn]`;
        results.push(
          { name: `${name}: p50`, value: r.latency.p50, unit: 'ms', target: '-', engine: 'postgres' },
          { name: `${name}: p99`, value: r.latency.p99, unit: 'ms', target: '< 50', engine: 'postgres' },
          { name: `${name}: throughput`, value: Math.round(r.requests.average), unit: 'req/s', target: '-', engine: 'postgres' },
          { name: `${name}: failed responses`, value: r.non2xx + r.errors + r.timeouts, unit: 'responses', target: '= 0', engine: 'postgres' },
        );
      }
    } finally {
      await server.stop();
    }
  }
  return results;
}

// `node --import tsx bench/read-api.ts [scale]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await benchReadApi({ scale: Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 1) });
  console.table(out);
}
