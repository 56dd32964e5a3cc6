import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pg from 'pg';
import { startRapport, type RunningRapport } from '../support/start-rapport.ts';

// GUARANTEES B5 on the production path: the PostgreSQL server is stopped the way a crash stops it
// (`pg_ctl -m immediate`: no checkpoint, recovery from WAL at the next start) while clients send
// events. While it is down the API answers 503 — never a 2xx for an event it could not store —,
// once it is back Rapport carries on without a restart, and every event answered 2xx is stored
// exactly once, retries included.
// The server is a private cluster made for this test (initdb as the postgres user on a free
// port), so the machine's shared server and the tests running against it are not disturbed.

const BIN = '/usr/lib/postgresql/15/bin';
const canRun = process.getuid?.() === 0 && existsSync(`${BIN}/initdb`) && existsSync('/usr/sbin/runuser');
const dir = mkdtempSync(join(tmpdir(), 'rapport-pgcrash-'));
const pgdata = join(dir, 'data');
const apiKey = `rk_crash_${randomBytes(18).toString('hex')}`;
let running: RunningRapport | null = null;
let port = 0;

const asPostgres = (cmd: string, args: string[]) =>
  execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', `${BIN}/${cmd}`, ...args], { stdio: 'pipe', timeout: 60_000 });
const pgCtl = (...args: string[]) => asPostgres('pg_ctl', ['-D', pgdata, '-w', ...args]);
const startServer = () =>
  pgCtl('-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=50`, 'start');

after(async () => {
  await running?.stop();
  if (canRun && existsSync(join(pgdata, 'postmaster.pid'))) pgCtl('-m', 'immediate', 'stop');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const p = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return p;
}

async function post(url: string, path: string, auth: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

const track = () => ({
  type: 'track',
  userId: `crash-u${Math.floor(Math.random() * 30)}`,
  event: 'Order Completed',
  messageId: randomUUID(),
  timestamp: new Date(Date.now() - Math.floor(Math.random() * 30 * 86_400_000)).toISOString(),
});

it('answers 503 while PostgreSQL is down, recovers by itself, and keeps every acknowledged event once', { skip: canRun ? false : 'needs root, runuser and PostgreSQL 15 binaries', timeout: 300_000 }, async () => {
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  asPostgres('initdb', ['-D', pgdata, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  port = await freePort();
  startServer();
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  running = await startRapport({ DATABASE_URL: databaseUrl, RAPPORT_API_KEY: apiKey });
  const url = running.url;
  const made = await fetch(`${url}/api/v1/event-sources`, {
    method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Crash test' }),
  });
  assert.equal(made.status, 201);
  const basic = `Basic ${Buffer.from(`${((await made.json()) as { writeKey: string }).writeKey}:`).toString('base64')}`;
  const identifies = Array.from({ length: 30 }, (_, i) => ({ type: 'identify', userId: `crash-u${i}`, traits: { email: `crash-u${i}@example.test` }, messageId: randomUUID() }));
  assert.equal(await post(url, '/v1/batch', basic, { batch: identifies }), 200);

  const acked = new Set<string>(identifies.map((e) => e.messageId));
  const refused: Array<{ body: unknown; ids: string[]; status: number | string }> = [];
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const batch = Array.from({ length: 40 }, track);
      const ids = batch.map((e) => e.messageId);
      let status: number | string;
      try {
        status = await post(url, '/v1/batch', basic, { batch });
      } catch (err) {
        status = (err as Error).message;
      }
      if (status === 200) for (const id of ids) acked.add(id);
      else {
        refused.push({ body: { batch }, ids, status });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const senders = [sender(), sender(), sender()];
  try {
    await crashAndRecover();
  } catch (err) {
    throw new Error(`${(err as Error).message}\nRapport's output:\n${running?.output().slice(-4000)}`, { cause: err });
  } finally {
    stop = true;
    await Promise.all(senders);
  }
  async function crashAndRecover() {
  while (acked.size < 1500) await new Promise((r) => setTimeout(r, 10));
  pgCtl('-m', 'immediate', 'stop');

  // Down: the API says so, for reads and for events, and the process stays up.
  const read = await fetch(`${url}/api/v1/people`, { headers: { authorization: `Bearer ${apiKey}` } });
  await read.arrayBuffer();
  assert.equal(read.status, 503);
  assert.equal(read.headers.get('retry-after'), '5');
  assert.equal(await post(url, '/v1/batch', basic, { batch: [track()] }), 503);
  const ackedWhileDown = acked.size;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(acked.size, ackedWhileDown, 'nothing is acknowledged while the database is down');

  startServer();
  // Back: the same process serves again once its connections are re-made.
  const deadline = Date.now() + 30_000;
  while (acked.size < ackedWhileDown + 1000) {
    assert.ok(Date.now() < deadline, `ingestion did not resume (${refused.at(-1)?.status})`);
    await new Promise((r) => setTimeout(r, 20));
  }
  }
  assert.equal(running.child.exitCode, null, 'Rapport kept running');
  assert.ok(refused.some((r) => r.status === 503), 'clients were told to retry');
  assert.ok(refused.every((r) => r.status === 503 || typeof r.status === 'string'), `only 503s or cut connections: ${[...new Set(refused.map((r) => r.status))]}`);

  for (const r of refused) {
    assert.equal(await post(url, '/v1/batch', basic, r.body), 200);
    for (const id of r.ids) acked.add(id);
  }
  await running.stop();
  running = null;

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = (await client.query<{ message_id: string }>('select message_id from events')).rows.map((r) => r.message_id);
    assert.equal(new Set(rows).size, rows.length, 'no event stored twice');
    const stored = new Set(rows);
    assert.deepEqual([...acked].filter((id) => !stored.has(id)), [], 'every acknowledged event survived the crash');
    assert.equal(rows.length, acked.size, 'nothing stored that no client sent');
  } finally {
    await client.end();
  }
});
