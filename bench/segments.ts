import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { recomputeOrderFiguresForWorkspace } from '../src/orders/figures.ts';
import { openEngine, type Engine, type EngineKind } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { buildSegment, refreshContactSegments, tuneForBuild } from '../src/segments/build.ts';
import { compileRule } from '../src/segments/compile.ts';
import type { Rule } from '../src/segments/schema.ts';
import type { BenchResult } from './read-api.ts';
import { benchDatabaseUrl, ensureDatabase } from './databases.ts';

// Segment build of "≥ 3 purchases in the last 90 days and none in the last 30" over 1,000,000
// customers and 10,000,000 tracked events (a fifth of them 'Order Completed', spread over a year).
// The data set is generated server-side with generate_series; on PostgreSQL it is kept between
// runs (the workspace name records its size). PGlite gets 1,000,000 events by default: generating
// ten million rows in the single-process WASM engine takes far longer than the measurement.

const DATABASE_URL = benchDatabaseUrl('bench_segments');
const TARGET_MS = '<= 150';

export const LAPSED_BUYERS: Rule = {
  op: 'and',
  rules: [
    { type: 'event', name: 'Order Completed', op: 'at_least', count: 3, withinDays: 90 },
    { type: 'event', name: 'Order Completed', op: 'none', withinDays: 30 },
  ],
};
/** The same question over the orders table instead of events (another condition type). */
const LAPSED_BUYERS_ORDERS: Rule = {
  op: 'and',
  rules: [
    { type: 'purchases', op: 'at_least', count: 3, withinDays: 90 },
    { type: 'purchases', op: 'none', withinDays: 30 },
  ],
};

/**
 * One rule per kind of condition the builder offers, most of them on columns no index serves
 * (name contains, birthday, last contact), plus a nested mix: the "any rule the builder
 * can make, unindexed: ≤ 1 s". The worst one is the figure that counts.
 */
export const BUILDER_RULES: Record<string, Rule> = {
  'name contains': { type: 'profile', field: 'name', op: 'contains', value: 'ench 12' },
  'created within 30 days': { type: 'profile', field: 'created_at', op: 'within_last_days', days: 30 },
  'birthday within 14 days': { type: 'profile', field: 'birthday', op: 'within_next_days', days: 14 },
  'has tag': { type: 'tag', op: 'has', value: 'vip' },
  'days since last order > 60': { type: 'order_figures', field: 'days_since_last_order', op: 'gt', value: 60 },
  'average order > 50.00': { type: 'order_figures', field: 'avg_minor', op: 'gt', value: 5000 },
  'overdue > 30 days': { type: 'payments', field: 'days_overdue', op: 'gt', value: 30 },
  'paid on time < 80 %': { type: 'payments', field: 'on_time_percent', op: 'lt', value: 80 },
  'viewed a product 5× in 30 days': { type: 'event', name: 'Product Viewed', op: 'at_least', count: 5, withinDays: 30 },
  'no page view in 60 days': { type: 'event', name: 'Page Viewed', op: 'none', withinDays: 60 },
  'no purchase in 60 days': { type: 'purchases', op: 'none', withinDays: 60 },
  'store visit in 90 days': { type: 'store_visits', op: 'at_least', count: 1, withinDays: 90 },
  'no contact in 180 days': { type: 'last_contact', op: 'not_within_last_days', days: 180 },
  'nested and/or/not': {
    op: 'or',
    rules: [
      { op: 'and', rules: [{ type: 'event', name: 'Product Viewed', op: 'at_least', count: 3, withinDays: 14 }, { not: { type: 'purchases', op: 'at_least', count: 1, withinDays: 14 } }] },
      { op: 'and', rules: [{ type: 'order_figures', field: 'order_count', op: 'gte', value: 3 }, { type: 'profile', field: 'name', op: 'contains', value: '77' }] },
    ],
  },
};

export interface SegmentsBenchOptions {
  engines?: EngineKind[];
  customers?: number;
  /** Events per engine; default 10× customers on PostgreSQL and 1× on PGlite. */
  events?: Partial<Record<EngineKind, number>>;
  log?: (s: string) => void;
}

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: Math.round((performance.now() - t0) * 10) / 10, value };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The workspace holding a complete data set of this size, generating it when missing. */
async function dataSet(engine: Engine, customers: number, events: number, log: (s: string) => void): Promise<string> {
  const name = `bench segments v2 ${customers} customers ${events} events`;
  const found = await engine.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  if (found) return found.id;
  const tag = Math.random().toString(36).slice(2, 10);
  const ws = await createWorkspace(engine.db, { workspaceName: `${name} (building ${tag})`, adminEmail: `bench-seg-${tag}@example.test`, adminPassword: `bench-${tag}-password` });
  const id = ws.workspaceId;
  log(`  generating ${customers} customers…`);
  await sql`insert into contacts (workspace_id, kind, first_name, last_name, name, created_at, updated_at)
    select ${id}::uuid, 'person', 'Bench', g::text, 'Bench ' || g, now() - make_interval(days => g % 1000), now()
    from generate_series(1, ${customers}::int) g`.execute(engine.db);
  await sql`drop table if exists bench_seg_ids`.execute(engine.db);
  await sql`create table bench_seg_ids as select row_number() over (order by id) as n, id from contacts where workspace_id = ${id}::uuid`.execute(engine.db);
  await sql`create index on bench_seg_ids (n)`.execute(engine.db);
  const batch = 1_000_000;
  for (let done = 0; done < events; done += batch) {
    const n = Math.min(batch, events - done);
    log(`  events ${done + n}/${events}…`);
    // a fifth purchases, a twentieth store visits; times uniform over the last year; customers random.
    await sql`insert into events (workspace_id, message_id, type, event, contact_id, occurred_at, received_at)
      select ${id}::uuid, 'bench-' || (${done}::bigint + g), 'track',
        case when g % 20 < 4 then 'Order Completed' when g % 20 = 4 then 'Store Visit' when g % 20 < 12 then 'Product Viewed' else 'Page Viewed' end,
        i.id, t, t
      from (select g, now() - random() * interval '365 days' as t, 1 + floor(random() * ${customers}::int)::bigint as k
            from generate_series(1, ${n}::int) g) r
      join bench_seg_ids i on i.n = r.k`.execute(engine.db);
  }
  // Orders for the orders-table variant: one per purchase-ish event ratio, a tenth of the events.
  log('  orders…');
  await sql`insert into orders (workspace_id, contact_id, status, currency, total_minor, ordered_at)
    select ${id}::uuid, i.id, 'paid', 'EUR', 1000 + (r.g % 9000), r.t
    from (select g, now() - random() * interval '365 days' as t, 1 + floor(random() * ${customers}::int)::bigint as k
          from generate_series(1, ${Math.round(events / 10)}::int) g) r
    join bench_seg_ids i on i.n = r.k`.execute(engine.db);
  await sql`drop table bench_seg_ids`.execute(engine.db);
  log('  order figures…');
  await recomputeOrderFiguresForWorkspace(engine.db, id);
  log('  vacuum analyze…');
  // Index-only scans of events_name_time and of the kept marks and contact times need the
  // visibility map that VACUUM sets; the planner needs the statistics of the kept tables.
  for (const t of ['contacts', 'events', 'orders', 'contact_order_stats', 'contact_event_marks', 'contact_last_contact']) await sql.raw(`vacuum analyze ${t}`).execute(engine.db);
  await engine.db.updateTable('workspaces').set({ name }).where('id', '=', id).execute();
  return id;
}

async function benchOne(engine: Engine, customers: number, events: number, log: (s: string) => void): Promise<BenchResult[]> {
  const kind = engine.kind;
  const label = `${customers} customers, ${events} events`;
  const ws = await dataSet(engine, customers, events, log);
  const { from } = compileRule(LAPSED_BUYERS, { workspaceId: ws });
  // As the preview endpoint runs it: in a transaction with the build settings.
  const count = () =>
    engine.db.transaction().execute(async (trx) => {
      await tuneForBuild(trx);
      return (await sql<{ n: number }>`select count(*)::int as n from ${from}`.execute(trx)).rows[0].n;
    });
  await count(); // warm the cache
  const evalRuns: number[] = [];
  let size = 0;
  for (let i = 0; i < 5; i++) {
    const r = await timeIt(count);
    evalRuns.push(r.ms);
    size = r.value;
  }
  const fromOrders = compileRule(LAPSED_BUYERS_ORDERS, { workspaceId: ws }).from;
  const ordersRuns: number[] = [];
  const countOrders = () =>
    engine.db.transaction().execute(async (trx) => {
      await tuneForBuild(trx);
      return sql`select count(*) from ${fromOrders}`.execute(trx);
    });
  for (let i = 0; i < 3; i++) ordersRuns.push((await timeIt(countOrders)).ms);

  // Every kind of rule the builder makes, counted the way the preview counts it.
  const builder: Array<{ name: string; ms: number }> = [];
  for (const [name, rule] of Object.entries(BUILDER_RULES)) {
    const compiled = compileRule(rule, { workspaceId: ws }).from;
    const run = () =>
      engine.db.transaction().execute(async (trx) => {
        await tuneForBuild(trx);
        return sql`select count(*) from ${compiled}`.execute(trx);
      });
    await run();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await timeIt(run)).ms);
    builder.push({ name, ms: median(runs) });
    log(`  builder rule "${name}": ${median(runs)} ms`);
  }
  const worst = builder.reduce((a, b) => (b.ms > a.ms ? b : a));

  // A fresh segment per run: the first build writes every member, the next ones only the changes.
  const seg = await engine.db
    .insertInto('segments')
    .values({ workspace_id: ws, name: `lapsed buyers ${Date.now()}`, kind: 'dynamic', rule: JSON.stringify(LAPSED_BUYERS) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const first = await timeIt(() => buildSegment(engine.db, ws, seg.id));
  const steady: number[] = [];
  for (let i = 0; i < 3; i++) steady.push((await timeIt(() => buildSegment(engine.db, ws, seg.id))).ms);
  const some = await engine.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).limit(100).execute();
  const refresh = await timeIt(() => refreshContactSegments(engine.db, ws, some.map((r) => r.id)));
  // Leave the kept data set as it was: drop this run's segment (members and history cascade).
  await engine.db.deleteFrom('segments').where('id', '=', seg.id).execute();

  return [
    { name: `segment "≥3 purchases in 90 d, none in 30 d" evaluate (${label}; ${size} members): median ms`, value: median(evalRuns), unit: 'ms', target: TARGET_MS, engine: kind },
    { name: `segment full rebuild, steady state (${label}): median ms`, value: median(steady), unit: 'ms', target: TARGET_MS, engine: kind },
    { name: `segment first build, writes ${first.value?.entered ?? 0} entries (${label}): ms`, value: first.ms, unit: 'ms', target: '-', engine: kind },
    { name: `segment same rule over orders table (${Math.round(events / 10)} orders): median ms`, value: median(ordersRuns), unit: 'ms', target: '-', engine: kind },
    { name: 'segment refresh of 100 contacts (all dynamic segments): ms', value: refresh.ms, unit: 'ms', target: '-', engine: kind },
    { name: `segment count, slowest of ${builder.length} builder rules ("${worst.name}"): median ms`, value: worst.ms, unit: 'ms', target: '<= 1000', engine: kind },
    ...builder.map((b) => ({ name: `  builder rule "${b.name}": median ms`, value: b.ms, unit: 'ms', target: '-', engine: kind })),
  ];
}

export async function benchSegments(opts: SegmentsBenchOptions = {}): Promise<BenchResult[]> {
  const engines = opts.engines ?? ['pglite', 'postgres'];
  const customers = opts.customers ?? 1_000_000;
  const log = opts.log ?? ((s: string) => console.log(s));
  const results: BenchResult[] = [];
  for (const kind of engines) {
    const events = opts.events?.[kind] ?? (kind === 'postgres' ? customers * 10 : customers);
    const dir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'rapport-bench-segments-')) : undefined;
    const engine = kind === 'postgres' ? await ensureDatabase(DATABASE_URL).then(() => openEngine({ databaseUrl: DATABASE_URL })) : await openEngine({ dataDir: dir });
    try {
      await migrate(engine);
      log(`segments bench on ${kind}: ${customers} customers, ${events} events`);
      results.push(...(await benchOne(engine, customers, events, log)));
    } finally {
      await engine.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

// `node --import tsx bench/segments.ts [customers] [engines] [events]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const customers = Number(process.argv[2] ?? 1_000_000);
  const engines = (process.argv[3] ?? 'postgres').split(',') as EngineKind[];
  const events = process.argv[4] ? Number(process.argv[4]) : undefined;
  console.table(await benchSegments({ customers, engines, events: events ? { pglite: events, postgres: events } : undefined }));
}
