import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { sql } from 'kysely';
import { createWorkspace } from '../src/auth/bootstrap.ts';
import { createEventSource } from '../src/events/write-keys.ts';
import { openEngine, type Engine } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import type { BenchResult } from './read-api.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';
import { ensureDatabase } from './databases.ts';

// Event ingestion and freshness on PostgreSQL (issue 4):
// - /v1/batch, 100 events per request from concurrent clients: events/s stored durably (every
//   answer comes after commit; the stored count is checked in the database afterwards);
// - /v1/track, one event per request on 50 connections: events/s and p50/p99 latency;
// - freshness: time from the ack of a tracked event to the customer's segment membership
//   changing, idle and under batch load.
// Rapport runs as `rapport start` does (HTTP + worker + refresh loop) in a child process;
// autocannon drives it from this one. Known customers are addressed by userId (external id
// 'segment:u<n>'), one event in ten is anonymous.

const HERE = dirname(fileURLToPath(import.meta.url));
export const INGEST_DATABASE_URL = process.env.BENCH_INGEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_fresh_ingest';
const PROBES_RESERVED = 1000;

/** Customers u1…uN with their external ids; kept between runs (the workspace name records the size). */
async function dataset(engine: Engine, customers: number, log: (s: string) => void): Promise<string> {
  const name = `bench ingest ${customers} customers v1`;
  const found = await engine.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  if (found) {
    log(`reusing data set "${name}"`);
    return found.id;
  }
  const t0 = performance.now();
  const tag = Math.random().toString(36).slice(2, 10);
  const { workspaceId } = await createWorkspace(engine.db, { workspaceName: `${name} (building)`, adminEmail: `bench-ingest-${tag}@example.test`, adminPassword: `bench-${tag}-password` });
  await sql`
    insert into contacts (workspace_id, kind, first_name, last_name, name, emails, external_ids, locale, source, created_at, updated_at)
    select ${workspaceId}::uuid, 'person', 'Customer', g::text, 'Customer ' || g, array['u' || g || '@bench.example.com'], array['segment:u' || g], 'en', 'bench', now(), now()
    from generate_series(1, ${customers}::int) g`.execute(engine.db);
  await sql`
    insert into contact_identities (workspace_id, kind, value, contact_id)
    select workspace_id, 'external', external_ids[1], id from contacts where workspace_id = ${workspaceId}`.execute(engine.db);
  // The seeding queued every customer for a refresh; there is nothing to refresh yet.
  await sql`delete from contact_refresh_queue where workspace_id = ${workspaceId}`.execute(engine.db);
  await sql`analyze contacts, contact_identities`.execute(engine.db);
  await engine.db.updateTable('workspaces').set({ name }).where('id', '=', workspaceId).execute();
  log(`data set built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return workspaceId;
}

/** `rapport start` on the bench database; INGEST_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles it. */
function startServer(databaseUrl: string): Promise<ServerProcess> {
  const extra = (process.env.INGEST_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnServer(join(HERE, 'ingest-server.ts'), { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, extra);
}

const NAMES = ['Product Viewed', 'Product Added', 'Order Completed', 'Checkout Started'];

/** One event as an analytics library sends it; `n` makes the messageId and picks the customer. */
function eventJson(run: string, n: number, loadCustomers: number, extra = ''): string {
  const who = n % 10 === 0 ? `"anonymousId":"anon-${run}-${n % 5000}"` : `"userId":"u${1 + ((n * 7919) % loadCustomers)}"`;
  return `{"type":"track","messageId":"${run}-${n}",${who},"event":"${NAMES[n % NAMES.length]}","properties":{"sku":"SKU-${n % 500}","price":${(n % 97) + 0.5},"currency":"EUR"},"context":{"library":{"name":"bench","version":"1"}},"timestamp":"${new Date().toISOString()}"${extra}}`;
}

async function countEvents(engine: Engine, workspaceId: string): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*) as n from events where workspace_id = ${workspaceId}`.execute(engine.db)).rows[0]!.n);
}

function cannon(url: string, path: string, writeKey: string, connections: number, duration: number, body: () => string): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    requests: [{ method: 'POST', path, setupRequest: (req) => ({ ...req, body: body() }) as never }],
  });
}

/** CPU seconds of a process (user + system) from /proc; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Where a phase's CPU went: the Rapport server process and the PostgreSQL backends serving this
 * database (other benchmarks on the machine are not counted). Backends that ended during the
 * phase are missed, so the PostgreSQL figure is a lower bound.
 */
async function cpuMeter(engine: Engine, serverPid: number): Promise<() => Promise<string>> {
  const backends = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(engine.db)).rows.map((r) => r.pid);
  const start = new Map((await backends()).map((p) => [p, cpuSeconds(p)]));
  const node0 = cpuSeconds(serverPid);
  return async () => {
    let pgCpu = 0;
    for (const p of await backends()) pgCpu += cpuSeconds(p) - (start.get(p) ?? 0);
    return `cpu: server ${(cpuSeconds(serverPid) - node0).toFixed(1)} s, postgres ${pgCpu.toFixed(1)} s`;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : Number.NaN;
};

/**
 * Freshness probes: each tracks the segment's event for a customer not yet in it, then polls
 * segment_members until the customer is there; the figure is the time from the ack.
 */
async function probeFreshness(
  engine: Engine,
  url: string,
  writeKey: string,
  segmentId: string,
  eventName: string,
  probes: Array<{ userId: string; contactId: string }>,
  concurrency: number,
): Promise<number[]> {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const out: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const p = probes[next++]!;
      const res = await fetch(`${url}/v1/track`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ messageId: randomUUID(), userId: p.userId, event: eventName }),
      });
      if (res.status !== 200) throw new Error(`probe track answered ${res.status}: ${await res.text()}`);
      const acked = performance.now();
      for (;;) {
        const r = await sql`select 1 from segment_members where segment_id = ${segmentId} and contact_id = ${p.contactId}`.execute(engine.db);
        if (r.rows.length > 0) break;
        if (performance.now() - acked > 30_000) throw new Error('membership did not change within 30 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      out.push(performance.now() - acked);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export async function benchIngest(opts: { customers: number; duration: number; log?: (s: string) => void }): Promise<BenchResult[]> {
  const log = opts.log ?? ((s: string) => console.log(`[ingest] ${s}`));
  const customers = Math.max(PROBES_RESERVED * 2, opts.customers);
  const loadCustomers = customers - PROBES_RESERVED;
  await ensureDatabase(INGEST_DATABASE_URL);
  const engine = await openEngine({ databaseUrl: INGEST_DATABASE_URL, poolSize: 4 });
  await migrate(engine);
  const workspaceId = await dataset(engine, customers, log);
  // The CI server runs without autovacuum: the refresh queue's dead rows from earlier runs (a
  // million after one) would make the drainer, and so this run, slower than the one before.
  // Start from the state autovacuum would have left between runs.
  await sql`vacuum analyze contact_refresh_queue`.execute(engine.db);
  const { writeKey } = await createEventSource(engine.db, workspaceId, `bench ${new Date().toISOString()}`, null);
  // One dynamic segment, as a workspace in use has: every refreshed customer is evaluated against it.
  const run = randomUUID().slice(0, 8);
  const eventName = `Bench Signal ${run}`;
  await sql`delete from segments where workspace_id = ${workspaceId}`.execute(engine.db);
  const seg = await engine.db
    .insertInto('segments')
    .values({ workspace_id: workspaceId, name: `Signalled ${run}`, kind: 'dynamic', rule: JSON.stringify({ type: 'event', name: eventName, op: 'at_least', count: 1, withinDays: 1 }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const probeRows = (await sql<{ value: string; contact_id: string }>`
    select value, contact_id from contact_identities
    where workspace_id = ${workspaceId} and kind = 'external' and value = any(${Array.from({ length: PROBES_RESERVED }, (_, i) => `segment:u${loadCustomers + 1 + i}`)}::text[])`.execute(engine.db)).rows;
  const probes = probeRows.map((r) => ({ userId: r.value.slice('segment:'.length), contactId: r.contact_id }));

  const server = await startServer(INGEST_DATABASE_URL);
  log(`server at ${server.url}; ${customers} customers, run ${run}`);
  const results: BenchResult[] = [];
  const size = `${customers / 1000}k customers`;
  let n = 0;
  const batchBody = () => {
    const parts: string[] = [];
    for (let i = 0; i < 100; i++) parts.push(eventJson(run, n++, loadCustomers));
    return `{"batch":[${parts.join(',')}]}`;
  };
  const trackBody = () => eventJson(run, n++, loadCustomers);
  try {
    // Warm-up: JIT, connection pool, caches.
    await cannon(server.url, '/v1/batch', writeKey, 8, 2, batchBody);

    for (const connections of [8, 32]) {
      const before = await countEvents(engine, workspaceId);
      const cpu = await cpuMeter(engine, server.child.pid!);
      const r = await cannon(server.url, '/v1/batch', writeKey, connections, opts.duration, batchBody);
      const used = await cpu();
      const stored = (await countEvents(engine, workspaceId)) - before;
      const ok = r.requests.total - r.non2xx - r.errors - r.timeouts;
      const rate = Math.round(stored / r.duration);
      log(`batch ×100, ${connections} conn: ${rate} events/s stored (${stored} events in ${r.duration.toFixed(1)} s; ${ok} acked requests = ${ok * 100} events), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, failed ${r.non2xx + r.errors + r.timeouts}; ${used}`);
      const name = `/v1/batch 100 events/request [${size}, ${connections} conn]`;
      results.push(
        { name: `${name}: stored`, value: rate, unit: 'events/s', target: '>= 60000', engine: 'postgres' },
        { name: `${name}: p99`, value: r.latency.p99, unit: 'ms', target: '-', engine: 'postgres' },
        { name: `${name}: acked events missing in the database`, value: Math.max(0, ok * 100 - stored), unit: 'events', target: '= 0', engine: 'postgres' },
      );
    }

    {
      const before = await countEvents(engine, workspaceId);
      const cpu = await cpuMeter(engine, server.child.pid!);
      const r = await cannon(server.url, '/v1/track', writeKey, 50, opts.duration, trackBody);
      const used = await cpu();
      const stored = (await countEvents(engine, workspaceId)) - before;
      const ok = r.requests.total - r.non2xx - r.errors - r.timeouts;
      log(`track, 50 conn: ${Math.round(r.requests.average)} req/s, ${Math.round(stored / r.duration)} events/s stored, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, failed ${r.non2xx + r.errors + r.timeouts}; ${used}`);
      const name = `/v1/track 1 event/request [${size}, 50 conn]`;
      results.push(
        { name: `${name}: stored`, value: Math.round(stored / r.duration), unit: 'events/s', target: '>= 10000', engine: 'postgres' },
        { name: `${name}: p50`, value: r.latency.p50, unit: 'ms', target: '-', engine: 'postgres' },
        { name: `${name}: p99`, value: r.latency.p99, unit: 'ms', target: '< 50', engine: 'postgres' },
        { name: `${name}: acked events missing in the database`, value: Math.max(0, ok - stored), unit: 'events', target: '= 0', engine: 'postgres' },
      );
    }

    // The refresh loop has the bursts above to work off before freshness means anything.
    const t0 = performance.now();
    for (;;) {
      const q = Number((await sql<{ n: string }>`select count(*) as n from contact_refresh_queue`.execute(engine.db)).rows[0]!.n);
      if (q === 0 || performance.now() - t0 > 120_000) {
        log(`refresh queue drained ${q === 0 ? '' : 'NOT '}in ${((performance.now() - t0) / 1000).toFixed(1)} s after the load`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const half = Math.floor(probes.length / 2);
    const idle = await probeFreshness(engine, server.url, writeKey, seg.id, eventName, probes.slice(0, Math.min(half, 200)), 4);
    log(`freshness idle: p50 ${pct(idle, 50).toFixed(0)} ms, p95 ${pct(idle, 95).toFixed(0)} ms, max ${Math.max(...idle).toFixed(0)} ms (${idle.length} probes)`);
    // Under load: batch traffic at a fraction of capacity on 4 connections while probing.
    const background = cannon(server.url, '/v1/batch', writeKey, 4, Math.max(5, Math.round(opts.duration * 0.7)), batchBody);
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = await probeFreshness(engine, server.url, writeKey, seg.id, eventName, probes.slice(half, half + Math.min(half, 100)), 4);
    const bg = await background;
    log(`freshness under ${Math.round((bg.requests.average * 100))} events/s: p50 ${pct(loaded, 50).toFixed(0)} ms, p95 ${pct(loaded, 95).toFixed(0)} ms, max ${Math.max(...loaded).toFixed(0)} ms (${loaded.length} probes)`);
    results.push(
      { name: `freshness: ack → segment membership, idle [${size}]: p95`, value: Math.round(pct(idle, 95)), unit: 'ms', target: '<= 1000', engine: 'postgres' },
      { name: `freshness: ack → segment membership, under ~${Math.round(bg.requests.average * 100)} events/s [${size}]: p95`, value: Math.round(pct(loaded, 95)), unit: 'ms', target: '<= 1000', engine: 'postgres' },
    );
  } finally {
    await server.stop();
    await engine.close();
  }
  return results;
}

// `node --import tsx bench/ingest.ts [scale]` runs it alone.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const scale = Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 0.1);
  const out = await benchIngest({ customers: Math.round(1_000_000 * scale), duration: scale < 1 ? 10 : 20 });
  console.table(out);
}
