import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachEngine } from '../../test/support/harness.ts';
import { contactByExternal, eventSource, mid, timelineOf, type Source } from './test-support.ts';

// Events are on the customer's timeline without a copy in interactions (migration 0017): the
// timeline merges both tables, and last_contact rules count tracked events as inbound contact.

forEachEngine('Events on the timeline', (env) => {
  async function customer(src: Source, userId: string): Promise<string> {
    const r = await src.send('identify', { userId, messageId: mid(), traits: { firstName: userId }, timestamp: '2025-01-01T00:00:00Z' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (await contactByExternal(env(), src.ws, `segment:${userId}`)).id;
  }
  const note = async (src: Source, contactId: string, summary: string, occurredAt: string) => {
    const r = await env().app.inject({ method: 'POST', url: `/api/v1/contacts/${contactId}/timeline`, headers: src.ws.headers, payload: { channel: 'note', summary, occurredAt } });
    assert.equal(r.statusCode, 201, r.body);
  };
  const page = async (src: Source, contactId: string, query: string) => {
    const r = await env().app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/timeline?${query}`, headers: src.ws.headers });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { items: any[]; nextCursor: string | null };
  };

  it('pages through notes and events together, newest first, without gaps or repeats at shared instants', async () => {
    const src = await eventSource(env());
    const id = await customer(src, 'tl1');
    const at = (m: number) => `2026-03-01T10:${String(m).padStart(2, '0')}:00.000Z`;
    for (let m = 0; m < 6; m++) {
      await note(src, id, `note ${m}`, at(m));
      // Two events at the very instant of the note, one a minute apart from the rest.
      for (const k of [0, 1]) assert.equal((await src.send('track', { userId: 'tl1', event: `Clicked ${m}.${k}`, timestamp: at(m), messageId: mid() })).status, 200);
    }
    const all = (await page(src, id, 'limit=200')).items;
    assert.equal(all.length, 6 * 3 + 1, 'six notes, twelve tracks and the identify');
    assert.equal(new Set(all.map((i) => i.id)).size, all.length, 'item ids are unique across both tables');
    const times = all.map((i) => i.occurredAt);
    assert.deepEqual(times, [...times].sort().reverse());
    const track = all.find((i) => i.summary === 'Clicked 5.1');
    assert.equal(track.channel, 'event');
    assert.equal(track.type, 'event.track');
    assert.equal(track.direction, 'inbound');
    assert.equal(track.ref.type, 'event');
    for (const limit of [1, 2, 4, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const p = await page(src, id, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...p.items.map((i) => i.id));
        cursor = p.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all.map((i) => i.id), `pages of ${limit}`);
    }
  });

  it('filters events by the timeline channel and type they appear under', async () => {
    const src = await eventSource(env());
    const id = await customer(src, 'tl2');
    await src.send('track', { userId: 'tl2', event: 'Bought', messageId: mid() });
    await src.send('page', { userId: 'tl2', name: 'Pricing', messageId: mid() });
    await note(src, id, 'called', '2026-02-01T00:00:00Z');
    const kinds = async (q: string) => (await page(src, id, q)).items.map((i) => `${i.channel}/${i.type}`).sort();
    assert.deepEqual(await kinds('channel=event'), ['event/event.identify', 'event/event.track']);
    assert.deepEqual(await kinds('channel=web'), ['web/web.page']);
    assert.deepEqual(await kinds('type=event.track'), ['event/event.track']);
    assert.deepEqual(await kinds('type=web.page'), ['web/web.page']);
    assert.deepEqual(await kinds('channel=note'), ['note/note']);
    assert.deepEqual(await kinds('channel=event&type=web.page'), []);
    const bad = await env().app.inject({ method: 'GET', url: `/api/v1/contacts/${id}/timeline?cursor=${Buffer.from('["2026-01-01T00:00:00Z","x","1"]').toString('base64url')}`, headers: src.ws.headers });
    assert.equal(bad.statusCode, 400);
  });

  it('shows the events of a merged-away customer on the kept one', async () => {
    const src = await eventSource(env());
    const keep = await customer(src, 'tl3a');
    const lose = await customer(src, 'tl3b');
    await src.send('track', { userId: 'tl3b', event: 'Old habit', messageId: mid() });
    const m = await env().app.inject({ method: 'POST', url: '/api/v1/contacts/merge', headers: src.ws.headers, payload: { keepId: keep, mergeId: lose } });
    assert.equal(m.statusCode, 200, m.body);
    const items = await timelineOf(env(), src.ws, keep);
    assert.ok(items.some((i) => i.summary === 'Old habit'), 'the merged record’s event is on the kept timeline');
  });

  it('counts tracked events as inbound contact in last_contact rules', async () => {
    const src = await eventSource(env());
    const tracked = await customer(src, 'tl4a');
    const browsed = await customer(src, 'tl4b');
    const quiet = await customer(src, 'tl4c');
    const old = new Date(Date.now() - 30 * 86400_000).toISOString();
    // The identifies are dated long ago, so only what follows is recent contact.
    await src.send('track', { userId: 'tl4a', event: 'Bought', messageId: mid() });
    await src.send('page', { userId: 'tl4b', name: 'Home', messageId: mid() });
    await src.send('track', { userId: 'tl4c', event: 'Bought', timestamp: old, messageId: mid() });
    const selects = async (rule: object) => {
      const r = await env().app.inject({ method: 'POST', url: '/api/v1/segments/preview', headers: src.ws.headers, payload: { rule } });
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().sample as Array<{ id: string }>).map((s) => s.id).sort();
    };
    const rule = (extra: object) => ({ type: 'last_contact', op: 'within_last_days', days: 7, ...extra });
    assert.deepEqual(await selects(rule({})), [tracked, browsed].sort());
    assert.deepEqual(await selects(rule({ channel: 'event' })), [tracked]);
    assert.deepEqual(await selects(rule({ channel: 'web' })), [browsed]);
    assert.deepEqual(await selects(rule({ channel: 'call' })), []);
    assert.deepEqual(await selects({ ...rule({}), op: 'not_within_last_days' }), [quiet]);
  });
});
