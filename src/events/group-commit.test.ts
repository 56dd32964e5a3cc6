import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { GroupCommit, groupCommitFor } from './group-commit.ts';
import { identityKeys, lockIdentities } from './store.ts';
import { contactByExternal, contactOfEvent, eventSource, mid } from './test-support.ts';
import type { NormalizedEvent } from './validate.ts';

const event = (messageId: string): NormalizedEvent => ({
  messageId,
  type: 'track',
  event: 'Grouped',
  userId: 'gc',
  anonymousId: null,
  properties: {},
  context: {},
  occurredAt: new Date(),
  traits: {},
  groupId: null,
  previousId: null,
});

forEachEngine('Group commit of tracked events', (env) => {
  it('answers concurrent track calls only after their events are stored, sharing commits', async () => {
    const src = await eventSource(env());
    const gc = groupCommitFor(env().engine);
    const flushesBefore = gc.stats.flushes;
    const ids = Array.from({ length: 40 }, () => mid());
    const checks = await Promise.all(
      ids.map(async (messageId) => {
        const r = await src.send('track', { userId: 'gc', event: 'Concurrent', messageId });
        // Read at the very moment the answer arrives: a 200 must already be durable.
        const row = await env().engine.db.selectFrom('events').select('id').where('workspace_id', '=', src.ws.workspaceId).where('message_id', '=', messageId).executeTakeFirst();
        return { status: r.status, stored: Boolean(row) };
      }),
    );
    assert.ok(checks.every((c) => c.status === 200 && c.stored));
    assert.ok(gc.stats.flushes - flushesBefore < ids.length, 'requests shared transactions');
    assert.ok(gc.stats.largestGroup > 1);
  });

  it('fails every request of a group whose commit fails, storing none of it', async () => {
    const ws = await env().workspace();
    const gc = new GroupCommit(env().engine, { maxDelayMs: 50 });
    const good = mid();
    // A row the database refuses (a malformed customer id) fails the whole group's transaction.
    const results = await Promise.allSettled([
      gc.submit([{ workspaceId: ws.workspaceId, event: event(good) }]),
      gc.submit([{ workspaceId: ws.workspaceId, event: event(mid()), contactId: 'not-a-uuid' }]),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    const row = await env().engine.db.selectFrom('events').select('id').where('workspace_id', '=', ws.workspaceId).where('message_id', '=', good).executeTakeFirst();
    assert.equal(row, undefined, 'nothing half-committed');
    // The buffer keeps working after a failed group.
    const ok = await gc.submit([{ workspaceId: ws.workspaceId, event: event(good) }]);
    assert.ok(ok[0]);
  });

  it('writes at most maxInFlight groups at once; requests arriving meanwhile wait and are all stored', async () => {
    const ws = await env().workspace();
    const gc = new GroupCommit(env().engine, { maxDelayMs: 1, maxRows: 3, maxInFlight: 2 });
    const ids = Array.from({ length: 10 }, () => mid());
    const answers = await Promise.all(ids.map((m) => gc.submit([{ workspaceId: ws.workspaceId, event: event(m) }])));
    assert.ok(answers.every((a) => a[0] !== null));
    assert.ok(gc.stats.mostInFlight <= 2, `at most 2 groups at once, saw ${gc.stats.mostInFlight}`);
    assert.ok(gc.stats.largestGroup <= 3);
    const rows = await env().engine.db.selectFrom('events').select('message_id').where('workspace_id', '=', ws.workspaceId).execute();
    assert.deepEqual(rows.map((r) => r.message_id).sort(), [...ids].sort());
  });

  it('credits a messageId sent twice within one group to the first sender only', async () => {
    const ws = await env().workspace();
    const gc = new GroupCommit(env().engine, { maxDelayMs: 50 });
    const m = mid();
    const [a, b] = await Promise.all([
      gc.submit([{ workspaceId: ws.workspaceId, event: event(m) }]),
      gc.submit([{ workspaceId: ws.workspaceId, event: event(m) }]),
    ]);
    assert.ok(a[0]);
    assert.equal(b[0], null);
    await gc.drain();
  });

  it('leaves no anonymous event behind when an identify races the visitor’s tracks', async () => {
    const src = await eventSource(env());
    const anon = `race-${mid()}`;
    const tracks = Array.from({ length: 20 }, (_, i) => src.send('track', { anonymousId: anon, event: `Step ${i}`, messageId: mid() }));
    const identify = src.send('identify', { anonymousId: anon, userId: `racer-${anon}`, messageId: mid(), traits: { firstName: 'Rauno' } });
    const all = await Promise.all([...tracks, identify]);
    assert.ok(all.every((r) => r.status === 200));
    const contactId = (await contactByExternal(env(), src.ws, `segment:racer-${anon}`)).id;
    const rows = await env().engine.db.selectFrom('events').select('contact_id').where('workspace_id', '=', src.ws.workspaceId).execute();
    assert.equal(rows.length, 21);
    assert.ok(rows.every((r) => r.contact_id === contactId), 'every event belongs to the customer');
  });

  it('holds a track back while an identify is linking its anonymous id, then stores it for that customer', async (t) => {
    if (env().kind !== 'postgres') return t.skip('PGlite has a single connection: no writer can run beside the identify');
    const src = await eventSource(env());
    const ws = src.ws.workspaceId;
    const anon = `held-${mid()}`;
    const person = await env().app.inject({ method: 'POST', url: '/api/v1/people', headers: src.ws.headers, payload: { firstName: 'Helmi', emails: [`helmi-${mid()}@example.com`] } });
    const contactId = person.json().id as string;
    // What identify does, stopped half-way: the exclusive identity lock taken, the link not yet committed.
    const messageId = mid();
    let track: Promise<{ status: number }> | undefined;
    await env().engine.db.transaction().execute(async (trx) => {
      await lockIdentities(trx, identityKeys(ws, { userId: null, anonymousId: anon }), 'exclusive');
      let answered = false;
      track = src.send('track', { anonymousId: anon, event: 'Held', messageId }).finally(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(answered, false, 'the track waits for the identity lock');
      await trx.insertInto('event_identities').values({ workspace_id: ws, anonymous_id: anon, contact_id: contactId }).execute();
    });
    assert.equal((await track!).status, 200);
    assert.equal(await contactOfEvent(env(), ws, messageId), contactId, 'resolved through the link committed meanwhile');
  });

  it('creates one customer when the same identify is delivered five times at once', async () => {
    const src = await eventSource(env());
    const body = { userId: `dup-${mid()}`, messageId: mid(), traits: { firstName: 'Taru', email: `taru-${Date.now()}@example.com` } };
    const all = await Promise.all(Array.from({ length: 5 }, () => src.send('identify', body)));
    assert.ok(all.every((r) => r.status === 200), JSON.stringify(all.map((r) => r.body)));
    assert.deepEqual(all.map((r) => r.body.status).sort(), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored']);
    const people = await env().engine.db.selectFrom('contacts').select('id').where('workspace_id', '=', src.ws.workspaceId).execute();
    assert.equal(people.length, 1);
  });
});
