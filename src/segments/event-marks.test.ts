import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { forEachEngine, type TestEnv } from '../../test/support/harness.ts';
import { backfillEvents } from '../events/store.ts';
import { buildSegment } from './build.ts';
import { EVENT_MARKS_DEPTH } from './compile.ts';
import { client, DAY, daysAgo, person, selects, sorted, track } from './test-support.ts';

// Event conditions are answered from contact_event_marks (migration 0019), kept by triggers on
// events. These tests check the answers against counting the events themselves, and that the
// marks follow events that change hands (identity stitching, merge) or go away.

/** A small deterministic generator, so a failing case can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Rule = Record<string, unknown>;
const atLeast = (name: string, count: number, withinDays: number): Rule => ({ type: 'event', name, op: 'at_least', count, withinDays });
const none = (name: string, withinDays: number): Rule => ({ type: 'event', name, op: 'none', withinDays });

/** What a rule should select, counted from the events in memory. */
function expected(events: Map<string, Array<{ name: string; at: number }>>, rule: Rule): string[] {
  const now = Date.now();
  const holds = (evs: Array<{ name: string; at: number }>, r: Rule): boolean => {
    if (r.op === 'and') return (r.rules as Rule[]).every((x) => holds(evs, x));
    if (r.op === 'or') return (r.rules as Rule[]).some((x) => holds(evs, x));
    if ('not' in r) return !holds(evs, r.not as Rule);
    const within = evs.filter((e) => e.name === r.name && e.at >= now - (r.withinDays as number) * DAY).length;
    return r.op === 'none' ? within === 0 : within >= (r.count as number);
  };
  return sorted([...events].filter(([, evs]) => holds(evs, rule)).map(([id]) => id));
}

async function marksOf(env: TestEnv, contactId: string) {
  const r = await sql<{ event: string; n: number; last: Date }>`
    select event, cardinality(recent) as n, last_at as last from contact_event_marks where contact_id = ${contactId} order by event`.execute(env.engine.db);
  return r.rows.map((x) => ({ event: x.event, n: Number(x.n), last: new Date(x.last).getTime() }));
}

/** Members after evaluating the rule for just these contacts (the per-contact form of the compiler). */
async function perContact(env: TestEnv, ws: string, rule: Rule, ids: string[]): Promise<string[]> {
  const seg = await env.engine.db
    .insertInto('segments')
    .values({ workspace_id: ws, name: `per contact ${randomUUID()}`, kind: 'dynamic', rule: JSON.stringify(rule) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await buildSegment(env.engine.db, ws, seg.id, { contactIds: ids });
  const rows = await env.engine.db.selectFrom('segment_members').select('contact_id').where('segment_id', '=', seg.id).execute();
  return sorted(rows.map((r) => r.contact_id));
}

forEachEngine('Event conditions from the kept marks', (env) => {
  it('answer every count and window exactly as counting the events does, deeper counts included', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const rnd = prng(20261125);
    const events = new Map<string, Array<{ name: string; at: number }>>();
    for (let p = 0; p < 9; p++) {
      const id = await person(c);
      const evs: Array<{ name: string; at: number }> = [];
      // 0 to 15 purchases (past the depth kept), some on the same instant, plus a few views.
      const n = Math.floor(rnd() * 16);
      for (let i = 0; i < n; i++) evs.push({ name: 'Order Completed', at: Date.now() - Math.floor(rnd() * 100) * DAY - 3600_000 });
      if (n > 2) evs.push({ ...evs[0] });
      for (let i = 0; i < Math.floor(rnd() * 4); i++) evs.push({ name: 'Product Viewed', at: Date.now() - Math.floor(rnd() * 20) * DAY - 3600_000 });
      events.set(id, evs);
      // Half the customers' events arrive in one statement (one trigger call merges many rows
      // of one customer), the rest one by one in random order.
      if (p % 2 === 0 && evs.length) {
        await env().engine.db
          .insertInto('events')
          .values(evs.map((e) => ({ workspace_id: ws, message_id: randomUUID(), type: 'track' as const, event: e.name, contact_id: id, occurred_at: new Date(e.at) })))
          .execute();
      } else {
        for (const e of evs) await track(env(), ws, id, e.name, new Date(e.at));
      }
    }
    const rules: Rule[] = [];
    for (const count of [1, 2, 3, 5, EVENT_MARKS_DEPTH, EVENT_MARKS_DEPTH + 1, 13]) for (const d of [7, 30, 90]) rules.push(atLeast('Order Completed', count, d));
    rules.push(none('Order Completed', 7), none('Order Completed', 30), none('Product Viewed', 10));
    rules.push({ op: 'and', rules: [atLeast('Order Completed', 3, 90), none('Order Completed', 30)] });
    rules.push({ op: 'and', rules: [atLeast('Order Completed', 2, 60), atLeast('Order Completed', 4, 90), none('Order Completed', 5), atLeast('Product Viewed', 1, 20)] });
    rules.push({ op: 'or', rules: [atLeast('Order Completed', 6, 50), { not: atLeast('Product Viewed', 2, 15) }] });
    const ids = [...events.keys()];
    let nonEmpty = 0;
    for (const rule of rules) {
      const want = expected(events, rule);
      if (want.length > 0 && want.length < ids.length) nonEmpty++;
      assert.deepEqual(await selects(c, rule), want, `set form: ${JSON.stringify(rule)}`);
      assert.deepEqual(await perContact(env(), ws, rule, ids), want, `per contact: ${JSON.stringify(rule)}`);
    }
    // The data must tell the rules apart, or the comparison proves nothing.
    assert.ok(nonEmpty >= rules.length / 2, `only ${nonEmpty} of ${rules.length} rules split the customers`);
    // At most the depth is kept, newest first.
    for (const [id, evs] of events) {
      const bought = evs.filter((e) => e.name === 'Order Completed');
      const m = (await marksOf(env(), id)).find((x) => x.event === 'Order Completed');
      if (bought.length === 0) assert.equal(m, undefined);
      else assert.deepEqual(m, { event: 'Order Completed', n: Math.min(bought.length, EVENT_MARKS_DEPTH), last: Math.max(...bought.map((e) => e.at)) });
    }
  });

  it('follow anonymous events to the customer they are stitched to', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const id = await person(c);
    const anon = `anon-${randomUUID()}`;
    const times = [3, 4, 5].map((d) => daysAgo(d));
    for (const at of times) {
      await env().engine.db
        .insertInto('events')
        .values({ workspace_id: ws, message_id: randomUUID(), type: 'track', event: 'Signed Up', anonymous_id: anon, occurred_at: at })
        .execute();
    }
    const rule = atLeast('Signed Up', 3, 7);
    assert.deepEqual(await selects(c, rule), []);
    assert.equal(await backfillEvents(env().engine.db, ws, id, { anonymousId: anon }), 3);
    assert.deepEqual(await selects(c, rule), [id]);
    assert.deepEqual(await marksOf(env(), id), [{ event: 'Signed Up', n: 3, last: times[0].getTime() }]);
  });

  it('move with the events when two customers are merged, and leave when events are removed', async () => {
    const c = await client(env());
    const ws = c.ws.workspaceId;
    const keep = await person(c);
    const dup = await person(c);
    const lastAt = daysAgo(1);
    await track(env(), ws, keep, 'Order Completed', lastAt);
    await track(env(), ws, keep, 'Order Completed', daysAgo(2));
    await track(env(), ws, dup, 'Order Completed', daysAgo(3));
    const rule = atLeast('Order Completed', 3, 10);
    assert.deepEqual(await selects(c, rule), []);
    const merged = await c.call('POST', '/api/v1/contacts/merge', { keepId: keep, mergeId: dup });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    assert.deepEqual(await selects(c, rule), [keep]);
    assert.deepEqual(await marksOf(env(), dup), []);
    assert.equal((await marksOf(env(), keep))[0].n, 3);

    // Events removed (an erasure): the marks are recomputed from what is left, or dropped.
    await env().engine.db.deleteFrom('events').where('contact_id', '=', keep).where('occurred_at', '<', daysAgo(1.5)).execute();
    assert.deepEqual(await marksOf(env(), keep), [{ event: 'Order Completed', n: 1, last: lastAt.getTime() }]);
    assert.deepEqual(await selects(c, atLeast('Order Completed', 1, 10)), [keep]);
    await env().engine.db.deleteFrom('events').where('contact_id', '=', keep).execute();
    assert.deepEqual(await marksOf(env(), keep), []);
    assert.deepEqual(await selects(c, none('Order Completed', 10)), sorted([keep]));
  });
});
