import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine, type TestEnv } from '../../test/support/harness.ts';
import { backfillEvents } from '../events/store.ts';
import type { Executor } from '../platform/http.ts';
import { buildSegment } from './build.ts';
import { client, DAY, person, sorted } from './test-support.ts';

// "Last contact" rules are answered from contact_last_contact (migration 0020), kept by triggers
// on interactions, events and contacts. Every rule is checked, in the set form (a build) and the
// per-contact form (a refresh), against what the interactions and events in memory say, before
// and after the writes that change a customer's history: late events, merge, stitching, deletes.

/** A small deterministic generator, so a failing case can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Direction = 'inbound' | 'outbound' | 'internal';
type EventType = 'track' | 'page' | 'screen' | 'identify';
/** One row as the rules see it: an interaction (channel, direction) or a tracked event (type). */
type Activity = { table: 'interactions'; id: string; channel: string; direction: Direction; at: number } | { table: 'events'; id: string; type: EventType; at: number };
type Rule = { type: 'last_contact'; op: 'within_last_days' | 'not_within_last_days'; days: number; channel?: string };

// 'web' and 'event' are also the channels tracked events count on.
const CHANNELS = ['call', 'email', 'sms', 'web', 'event'];
const DIRECTIONS: Direction[] = ['inbound', 'outbound', 'internal'];
const TYPES: EventType[] = ['track', 'page', 'screen', 'identify'];

/** The channel a row counts on, or null when it is not contact (an internal note). */
function channelOf(a: Activity): string | null {
  if (a.table === 'events') return a.type === 'page' || a.type === 'screen' ? 'web' : 'event';
  return a.direction === 'internal' ? null : a.channel;
}

function expected(history: Map<string, Activity[]>, rule: Rule): string[] {
  const from = Date.now() - rule.days * DAY;
  const out: string[] = [];
  for (const [id, rows] of history) {
    const seen = rows.some((a) => channelOf(a) !== null && (!rule.channel || channelOf(a) === rule.channel) && a.at >= from);
    if (seen === (rule.op === 'within_last_days')) out.push(id);
  }
  return sorted(out);
}

const RULES: Rule[] = [];
for (const days of [7, 30, 90, 180]) {
  for (const channel of [undefined, 'call', 'email', 'web', 'event', 'constructor']) {
    for (const op of ['within_last_days', 'not_within_last_days'] as const) RULES.push({ type: 'last_contact', op, days, ...(channel ? { channel } : {}) });
  }
}

/** Members of the rule after a full build (set form) and after a refresh of these customers (per-contact form). */
async function members(db: Executor, ws: string, rule: unknown, ids: string[]): Promise<{ set: string[]; perContact: string[] }> {
  const out = { set: [] as string[], perContact: [] as string[] };
  for (const form of ['set', 'perContact'] as const) {
    const seg = await db
      .insertInto('segments')
      .values({ workspace_id: ws, name: `${form} ${randomUUID()}`, kind: 'dynamic', rule: JSON.stringify(rule) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await buildSegment(db, ws, seg.id, form === 'set' ? {} : { contactIds: ids });
    const rows = await db.selectFrom('segment_members').select('contact_id').where('segment_id', '=', seg.id).execute();
    out[form] = sorted(rows.map((r) => r.contact_id));
  }
  return out;
}

async function checkAll(env: TestEnv, ws: string, history: Map<string, Activity[]>, step: string) {
  let split = 0;
  for (const rule of RULES) {
    const want = expected(history, rule);
    if (want.length > 0 && want.length < history.size) split++;
    const got = await members(env.engine.db, ws, rule, [...history.keys()]);
    assert.deepEqual(got.set, want, `${step}, set form: ${JSON.stringify(rule)}`);
    assert.deepEqual(got.perContact, want, `${step}, per contact: ${JSON.stringify(rule)}`);
  }
  // The data must tell the rules apart, or the comparison proves nothing.
  assert.ok(split >= RULES.length / 2, `${step}: only ${split} of ${RULES.length} rules split the customers`);
}

async function insertInteractions(env: TestEnv, ws: string, contactId: string, rows: Activity[]) {
  const values = rows.flatMap((a) =>
    a.table === 'interactions' ? [{ workspace_id: ws, contact_id: contactId, channel: a.channel, type: `${a.channel}.test`, direction: a.direction, occurred_at: new Date(a.at), linked: '[]' }] : [],
  );
  if (values.length === 0) return [];
  return (await env.engine.db.insertInto('interactions').values(values).returning('id').execute()).map((r) => String(r.id));
}

async function insertEvents(env: TestEnv, ws: string, contactId: string | null, rows: Activity[], anonymousId?: string) {
  const values = rows.flatMap((a) =>
    a.table === 'events'
      ? [{ workspace_id: ws, message_id: randomUUID(), type: a.type, event: a.type === 'track' ? 'Viewed' : null, contact_id: contactId, anonymous_id: anonymousId ?? null, occurred_at: new Date(a.at) }]
      : [],
  );
  if (values.length === 0) return [];
  return (await env.engine.db.insertInto('events').values(values).returning('id').execute()).map((r) => String(r.id));
}

/** Random history: 0–5 interactions and 0–5 events, some older than every window, none near a boundary. */
function randomHistory(rnd: () => number): Activity[] {
  const at = () => Date.now() - Math.floor(rnd() * 250) * DAY - 3600_000;
  const rows: Activity[] = [];
  for (let i = Math.floor(rnd() * 6); i > 0; i--) {
    rows.push({ table: 'interactions', id: '', channel: CHANNELS[Math.floor(rnd() * CHANNELS.length)], direction: DIRECTIONS[Math.floor(rnd() * DIRECTIONS.length)], at: at() });
  }
  for (let i = Math.floor(rnd() * 6); i > 0; i--) rows.push({ table: 'events', id: '', type: TYPES[Math.floor(rnd() * TYPES.length)], at: at() });
  return rows;
}

/** Stores the rows, newest first one by one (each later row is older: the kept time must stay) or all in one statement per table. */
async function store(env: TestEnv, ws: string, contactId: string, rows: Activity[], oneByOne: boolean) {
  if (oneByOne) {
    for (const a of [...rows].sort((x, y) => y.at - x.at)) {
      const [id] = a.table === 'interactions' ? await insertInteractions(env, ws, contactId, [a]) : await insertEvents(env, ws, contactId, [a]);
      a.id = id;
    }
    return;
  }
  const ids = await insertInteractions(env, ws, contactId, rows);
  rows.filter((a) => a.table === 'interactions').forEach((a, i) => (a.id = ids[i]));
  const eids = await insertEvents(env, ws, contactId, rows);
  rows.filter((a) => a.table === 'events').forEach((a, i) => (a.id = eids[i]));
}

forEachEngine('Last contact rules from the kept times', (env) => {
  it('select exactly who was (not) contacted, per channel and window, through late events, merge, stitching and deletes', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const rnd = prng(20260412);
    const history = new Map<string, Activity[]>();
    for (let p = 0; p < 14; p++) {
      const id = await person(c);
      // Two customers with no activity at all: "not within" must select them on every channel.
      const rows = p < 2 ? [] : randomHistory(rnd);
      history.set(id, rows);
      await store(env(), ws, id, rows, p % 2 === 0);
    }
    await checkAll(env(), ws, history, 'stored');

    // A recent event and call arriving for an old customer, then a late (older) one that must not win.
    const [, , old] = [...history.keys()];
    const late: Activity[] = [{ table: 'interactions', id: '', channel: 'call', direction: 'outbound', at: Date.now() - 3 * DAY - 3600_000 }];
    const later: Activity[] = [{ table: 'interactions', id: '', channel: 'call', direction: 'inbound', at: Date.now() - 200 * DAY - 3600_000 }];
    await store(env(), ws, old, late, false);
    await store(env(), ws, old, later, false);
    history.get(old)!.push(...late, ...later);
    await checkAll(env(), ws, history, 'late rows');

    // Merge: the loser's interactions and events count for the survivor; the loser leaves every segment.
    const [keep, lose] = [...history.keys()].slice(4, 6);
    const merged = await c.call('POST', '/api/v1/contacts/merge', { keepId: keep, mergeId: lose });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    history.get(keep)!.push(...history.get(lose)!);
    history.delete(lose);
    await checkAll(env(), ws, history, 'merged');

    // Stitching: a visitor's page views, anonymous until now, become a never-contacted customer's.
    const quiet = [...history.keys()][0];
    const anon = `anon-${randomUUID()}`;
    const visits: Activity[] = [10, 40].map((d) => ({ table: 'events', id: '', type: 'page', at: Date.now() - d * DAY - 3600_000 }));
    const vids = await insertEvents(env(), ws, null, visits, anon);
    visits.forEach((a, i) => (a.id = vids[i]));
    await checkAll(env(), ws, history, 'anonymous');
    assert.equal(await backfillEvents(env().engine.db, ws, quiet, { anonymousId: anon }), 2);
    history.get(quiet)!.push(...visits);
    await checkAll(env(), ws, history, 'stitched');

    // An internal note turned into an outbound message, then the newest rows of some customers removed.
    const note = [...history.values()].flat().find((a) => a.table === 'interactions' && a.direction === 'internal');
    assert.ok(note && note.table === 'interactions');
    await env().engine.db.updateTable('interactions').set({ direction: 'outbound' }).where('id', '=', note.id as never).execute();
    note.direction = 'outbound';
    await checkAll(env(), ws, history, 'updated');
    for (const [id, rows] of [...history].slice(2, 9)) {
      const newest = [...rows].sort((x, y) => y.at - x.at).slice(0, 2);
      for (const a of newest) await env().engine.db.deleteFrom(a.table).where('id', '=', a.id as never).execute();
      history.set(id, rows.filter((a) => !newest.includes(a)));
    }
    await checkAll(env(), ws, history, 'deleted');
  });

  it('select exactly at the bound of the window, inside the hour the kept times cannot decide', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const DAYS = 180;
    const HOUR = 3_600_000_000; // µs
    // Times in µs from the window's bound (now - DAYS days) or from the start of its hour (UTC).
    type Row = { kind: 'page' | 'track' | 'call' | 'web'; from: 'bound' | 'edge'; us: number };
    const offsets: Array<Pick<Row, 'from' | 'us'>> = [
      { from: 'bound', us: -1 }, { from: 'bound', us: 0 }, { from: 'bound', us: 1 },
      { from: 'edge', us: -1 }, { from: 'edge', us: 0 }, { from: 'edge', us: HOUR - 1 }, { from: 'edge', us: HOUR },
    ];
    const cases: Row[][] = [[]];
    for (const kind of ['page', 'track', 'call', 'web'] as const) for (const o of offsets) cases.push([{ kind, ...o }]);
    // Two rows on different channels on either side of the bound.
    cases.push([{ kind: 'page', from: 'bound', us: -1 }, { kind: 'track', from: 'bound', us: 0 }]);
    cases.push([{ kind: 'call', from: 'bound', us: -1 }, { kind: 'web', from: 'edge', us: 0 }, { kind: 'page', from: 'bound', us: 1 }]);
    const ids: string[] = [];
    for (let i = 0; i < cases.length; i++) ids.push(await person(c));
    const channel = (r: Row) => (r.kind === 'page' ? 'web' : r.kind === 'track' ? 'event' : r.kind);

    // One transaction: its now() is the one the compiled rule reads, so the rows sit exactly where meant.
    await env().engine.db.transaction().execute(async (trx) => {
      const bound = sql`(now() - make_interval(days => ${DAYS}::int))`;
      const edge = sql`date_trunc('hour', ${bound}, 'UTC')`;
      const { gap } = (await sql<{ gap: string }>`select (extract(epoch from ${bound} - ${edge}) * 1000000)::bigint::text as gap`.execute(trx)).rows[0];
      // 0 only if the bound falls exactly on an hour; then no row is in its hour and nothing is re-checked.
      assert.ok(Number(gap) > 0, `bound on the hour: ${gap}`);
      for (const [i, rows] of cases.entries()) {
        for (const r of rows) {
          const at = sql`${r.from === 'bound' ? bound : edge} + ${r.us} * interval '1 microsecond'`;
          if (r.kind === 'page' || r.kind === 'track') {
            await sql`insert into events (workspace_id, message_id, type, event, contact_id, occurred_at)
              values (${ws}, ${randomUUID()}, ${r.kind}, ${r.kind === 'track' ? 'Viewed' : null}, ${ids[i]}, ${at})`.execute(trx);
          } else {
            await sql`insert into interactions (workspace_id, contact_id, channel, type, direction, occurred_at, linked)
              values (${ws}, ${ids[i]}, ${r.kind}, ${`${r.kind}.test`}, ${r.kind === 'call' ? 'outbound' : 'inbound'}, ${at}, '[]')`.execute(trx);
          }
        }
      }
      // The band is really used: rows before the bound but in its hour are kept at the bound's hour.
      const atEdge = await sql<{ n: number }>`select count(*)::int as n from contact_last_contact
        where contact_id in (${sql.join(ids)}) and any_at = ${edge}`.execute(trx);
      assert.ok(atEdge.rows[0].n >= 8, `${atEdge.rows[0].n} customers kept at the bound's hour`);
      const within = (r: Row) => (r.from === 'bound' ? r.us : r.us - Number(gap)) >= 0;
      for (const ch of [undefined, 'web', 'event', 'call']) {
        for (const op of ['within_last_days', 'not_within_last_days'] as const) {
          const rule = { type: 'last_contact', op, days: DAYS, ...(ch ? { channel: ch } : {}) };
          const want = sorted(ids.filter((_, i) => cases[i].some((r) => (!ch || channel(r) === ch) && within(r)) === (op === 'within_last_days')));
          const got = await members(trx, ws, rule, ids);
          assert.deepEqual(got.set, want, `set form: ${JSON.stringify(rule)}`);
          assert.deepEqual(got.perContact, want, `per contact: ${JSON.stringify(rule)}`);
        }
      }
    });
  });

  it('keep the hour of the newest contact per customer, written only when it advances, "-infinity" until first contact', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const id = await person(c);
    const ms = (col: string) => sql`case when isfinite(${sql.ref(col)}) then round(extract(epoch from ${sql.ref(col)}) * 1000)::float8 end`;
    const kept = async () => {
      const row = (await sql<Record<string, number | null>>`select ${ms('any_at')} as any, ${ms('web_at')} as web, ${ms('event_at')} as event
        from contact_last_contact where contact_id = ${id}`.execute(env().engine.db)).rows[0];
      const channels = (await sql<{ channel: string; at: number }>`select channel, ${ms('last_at')} as at from contact_last_contact_channels
        where contact_id = ${id} order by channel`.execute(env().engine.db)).rows;
      return { ...row, channels: channels.map((r) => [r.channel, Number(r.at)]) };
    };
    const version = async () => (await sql<{ v: string }>`select xmin::text as v from contact_last_contact where contact_id = ${id}`.execute(env().engine.db)).rows[0].v;
    assert.deepEqual(await kept(), { any: null, web: null, event: null, channels: [] });
    const HOUR = 3_600_000;
    // Ten minutes into an hour, so a minute later is the same hour.
    const at = (d: number) => Math.floor((Date.now() - d * DAY) / HOUR) * HOUR + 10 * 60_000;
    const [page, call] = [at(5), at(20)];
    await insertEvents(env(), ws, id, [{ table: 'events', id: '', type: 'page', at: page }]);
    await insertEvents(env(), ws, id, [{ table: 'events', id: '', type: 'page', at: at(9) }]);
    await insertInteractions(env(), ws, id, [{ table: 'interactions', id: '', channel: 'call', direction: 'outbound', at: call + 1 }]);
    await insertInteractions(env(), ws, id, [{ table: 'interactions', id: '', channel: 'sms', direction: 'internal', at: at(1) }]);
    // Hours for the row, the exact time for the other channels.
    assert.deepEqual(await kept(), { any: page - 10 * 60_000, web: page - 10 * 60_000, event: null, channels: [['call', call + 1]] });
    const v = await version();
    await insertEvents(env(), ws, id, [{ table: 'events', id: '', type: 'page', at: page + 60_000 }]);
    assert.equal(await version(), v, 'a later event in the same hour rewrote the row');
    await insertEvents(env(), ws, id, [{ table: 'events', id: '', type: 'track', at: page + HOUR }]);
    assert.notEqual(await version(), v);
    assert.deepEqual(await kept(), { any: page - 10 * 60_000 + HOUR, web: page - 10 * 60_000, event: page - 10 * 60_000 + HOUR, channels: [['call', call + 1]] });
  });
});
