import assert from 'node:assert/strict';
import { it } from 'node:test';
import { appendOlder, eventLabel, mergeEvents, streamQuery } from '../../web/src/events/live.ts';
import { curlSnippet, nodeSnippet } from '../../web/src/events/snippets.ts';
import type { StreamEvent } from '../../web/src/events/types.ts';
import { fillHours, hourWindow, sensorEndpoints, totals } from '../../web/src/presence/hours.ts';

// The front end's own logic for the event stream (merging polls, filters into a query string,
// snippets) and the sightings chart (hours without reports, totals).

const ev = (id: string, occurredAt = `2024-05-01T10:00:0${id.slice(-1)}.000Z`, event: string | null = 'E'): StreamEvent => ({
  id, messageId: `m${id}`, type: 'track', event, contact: null, anonymousId: null, userId: null, properties: {}, context: {}, occurredAt, receivedAt: occurredAt,
});

it('puts polled events on top once, even when a poll repeats the last seconds', () => {
  const shown = [ev('5'), ev('4'), ev('3')];
  const first = mergeEvents(shown, [ev('7'), ev('6'), ev('5')], 'arrival');
  assert.deepEqual(first.items.map((e) => e.id), ['7', '6', '5', '4', '3']);
  assert.equal(first.added, 2, 'the repeated event is not counted as new');
  const again = mergeEvents(first.items, [ev('7')], 'arrival');
  assert.equal(again.added, 0);
  assert.deepEqual(again.items.map((e) => e.id), ['7', '6', '5', '4', '3']);
  assert.strictEqual(mergeEvents(shown, [], 'arrival').items, shown, 'an empty poll changes nothing');
});

it('orders by id as numbers, not text, and keeps the list bounded', () => {
  const merged = mergeEvents([ev('9'), ev('8')], [ev('10'), ev('100')], 'arrival', 3);
  assert.deepEqual(merged.items.map((e) => e.id), ['100', '10', '9']);
});

it('keeps a customer’s events in the time they happened, whatever the arrival order', () => {
  const late = ev('20', '2024-04-01T00:00:00.000Z');
  const merged = mergeEvents([ev('2', '2024-05-02T00:00:00.000Z')], [late, ev('21', '2024-05-03T00:00:00.000Z')], 'time');
  assert.deepEqual(merged.items.map((e) => e.id), ['21', '2', '20']);
});

it('adds older pages below without repeating what arrived live', () => {
  assert.deepEqual(appendOlder([ev('9'), ev('8')], [ev('8'), ev('7')]).map((e) => e.id), ['9', '8', '7']);
});

it('turns the filters into a query string, leaving out empty ones and sending times in UTC', () => {
  assert.equal(streamQuery({ type: '', event: '  ', anonymousId: '' }), '');
  const q = new URLSearchParams(streamQuery({ type: 'track', event: ' Order Completed ', contactId: 'c1', since: '2024-05-01T12:30' }, { after: '42', cursor: undefined }));
  assert.equal(q.get('type'), 'track');
  assert.equal(q.get('event'), 'Order Completed');
  assert.equal(q.get('contactId'), 'c1');
  assert.equal(q.get('after'), '42');
  assert.equal(q.has('cursor'), false);
  assert.equal(q.get('since'), new Date('2024-05-01T12:30').toISOString());
  assert.equal(new URLSearchParams(streamQuery({ since: 'not a date' })).has('since'), false);
  assert.equal(new URLSearchParams(streamQuery({ event: 'a&b=c' })).get('event'), 'a&b=c', 'names are encoded');
});

it('labels events without a name by their type', () => {
  assert.equal(eventLabel({ type: 'identify', event: null }), 'identify');
  assert.equal(eventLabel({ type: 'page', event: 'Home' }), 'Home');
  // On screen the type is read in the reader's language, not as the raw key.
  const fa = (type: string) => ({ identify: 'شناسایی' })[type] ?? type;
  assert.equal(eventLabel({ type: 'identify', event: null }, fa), 'شناسایی');
  assert.equal(eventLabel({ type: 'track', event: 'Order Completed' }, fa), 'Order Completed', 'a name is shown as sent');
});

it('builds copy-paste snippets that keep the key intact inside shell and JS quotes', () => {
  const curl = curlSnippet('https://crm.example', "wk_a'b");
  assert.match(curl, /curl 'https:\/\/crm\.example\/v1\/track'/);
  assert.ok(curl.includes(`-u 'wk_a'\\''b:'`), curl);
  const node = nodeSnippet('https://crm.example', 'wk_"x');
  assert.ok(node.includes(`writeKey: "wk_\\"x"`), node);
  assert.ok(node.includes(`host: "https://crm.example"`));
});

it('fills hours without reports with zero bars and adds up known and unknown sightings', () => {
  const { from, to } = hourWindow(new Date('2024-05-01T10:25:00Z'), 3);
  assert.equal(from.toISOString(), '2024-05-01T08:00:00.000Z');
  assert.equal(to.toISOString(), '2024-05-01T11:00:00.000Z');
  const bars = fillHours([{ hour: '2024-05-01T09:00:00.000Z', knownSightings: 2, unknownSightings: 5 }, { hour: '2024-05-01T10:00:00.000Z', knownSightings: 0, unknownSightings: 1 }], from, to);
  assert.deepEqual(bars.map((b) => [b.hour.slice(11, 13), b.knownSightings, b.unknownSightings]), [['08', 0, 0], ['09', 2, 5], ['10', 0, 1]]);
  assert.deepEqual(totals(bars), { known: 2, unknown: 6 });
});

it('names the MQTT topic and HTTP address a new sensor must use', () => {
  assert.deepEqual(sensorEndpoints('http://localhost:3000', 'ws-1', 's-1'), { topic: 'rapport/ws-1/sensors/s-1/sightings', url: 'http://localhost:3000/api/v1/sensors/s-1/sightings' });
});
