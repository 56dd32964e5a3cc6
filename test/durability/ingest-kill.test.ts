import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { sql } from 'kysely';
import { openEngine } from '../../src/platform/db.ts';
import { startRapport, type RunningRapport } from '../support/start-rapport.ts';

// GUARANTEES B5 for event ingestion: the embedded process is killed -9 while clients are sending
// batches and single events. Every event answered 2xx must be stored after the restart, a client
// retrying what got no answer (same messageIds) must not store anything twice, and what triggers
// keep beside the events (each customer's latest times) must match the events exactly.

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-kill-'));
const apiKey = `rk_kill_${randomBytes(18).toString('hex')}`;
let running: RunningRapport | null = null;

after(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const USERS = 40;
type Event = { type: string; userId: string; event?: string; traits?: object; messageId: string; timestamp: string };

function purchase(): Event {
  return {
    type: 'track',
    userId: `kill-u${Math.floor(Math.random() * USERS)}`,
    event: Math.random() < 0.5 ? 'Order Completed' : 'Product Viewed',
    messageId: randomUUID(),
    timestamp: new Date(Date.now() - Math.floor(Math.random() * 90 * 86_400_000)).toISOString(),
  };
}

async function post(url: string, path: string, writeKey: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

it('keeps every acknowledged event, exactly once, across kill -9 during ingestion', { timeout: 300_000 }, async () => {
  running = await startRapport({ DATA_DIR: dataDir, RAPPORT_API_KEY: apiKey });
  const made = await fetch(`${running.url}/api/v1/event-sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Kill test' }),
  });
  assert.equal(made.status, 201);
  const writeKey = ((await made.json()) as { writeKey: string }).writeKey;
  // The customers, known before the load starts.
  const identifies: Event[] = Array.from({ length: USERS }, (_, i) => ({
    type: 'identify', userId: `kill-u${i}`, traits: { email: `kill-u${i}@example.test` }, messageId: randomUUID(), timestamp: new Date().toISOString(),
  }));
  assert.equal(await post(running.url, '/v1/batch', writeKey, { batch: identifies }), 200);

  const acked = new Set<string>(identifies.map((e) => e.messageId));
  /** Requests that got no answer: the client does not know whether they were stored. */
  const unanswered: Array<{ path: string; body: unknown; ids: string[] }> = [];

  for (let round = 0; round < 2; round++) {
    const url = running.url;
    let stop = false;
    const sender = async (single: boolean) => {
      while (!stop) {
        const events = single ? [purchase()] : Array.from({ length: 50 }, purchase);
        const path = single ? '/v1/track' : '/v1/batch';
        const body = single ? events[0] : { batch: events };
        const ids = events.map((e) => e.messageId);
        try {
          const status = await post(url, path, writeKey, body);
          assert.equal(status, 200, `${path} answered ${status}`);
          for (const id of ids) acked.add(id);
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          unanswered.push({ path, body, ids }); // the connection died with the process
          return;
        }
      }
    };
    const before = acked.size;
    const senders = [sender(false), sender(false), sender(false), sender(true), sender(true)];
    // Kill once the load is well under way, at a moment not tied to any one request.
    while (acked.size < before + 1500) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
    running.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    const child = running.child;
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    running = await startRapport({ DATA_DIR: dataDir, RAPPORT_API_KEY: apiKey });
  }
  assert.ok(unanswered.length > 0, 'the kills cut requests off mid-flight');

  // The clients retry what got no answer, with the same messageIds: stored at most once.
  for (const u of unanswered) {
    assert.equal(await post(running.url, u.path, writeKey, u.body), 200);
    for (const id of u.ids) acked.add(id);
  }
  await running.stop();
  running = null;

  const engine = await openEngine({ dataDir });
  try {
    const ws = (await engine.db.selectFrom('event_sources').select('workspace_id').executeTakeFirstOrThrow()).workspace_id;
    const stored = await sql<{ message_id: string }>`select message_id from events where workspace_id = ${ws}`.execute(engine.db);
    const ids = stored.rows.map((r) => r.message_id);
    assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
    const missing = [...acked].filter((id) => !ids.includes(id));
    assert.deepEqual(missing, [], 'every acknowledged event survived');
    assert.equal(ids.length, acked.size, 'nothing stored that no client sent');
    // Each customer's kept latest times agree with their events (same transaction, same fate).
    const drift = await sql<{ n: number }>`
      select count(*)::int as n from (
        select contact_id, event, max(occurred_at) as last_at, count(*) as n from events
         where workspace_id = ${ws} and contact_id is not null and event is not null group by 1, 2) e
      full join (select * from contact_event_marks where workspace_id = ${ws}) k using (contact_id, event)
      where e.last_at is distinct from k.last_at or least(e.n, 10) is distinct from cardinality(k.recent)`.execute(engine.db);
    assert.equal(drift.rows[0].n, 0);
    const known = await sql<{ n: number }>`select count(*)::int as n from events where workspace_id = ${ws} and contact_id is not null and type = 'track'`.execute(engine.db);
    assert.ok(known.rows[0].n > 3000, `tracked events reached their customers (${known.rows[0].n})`);
  } finally {
    await engine.close();
  }
});
