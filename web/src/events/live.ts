import type { StreamEvent, StreamFilters } from './types.ts';

// The pure parts of the live stream: the query string a filter set makes, and merging a poll's
// answer into what is on screen (no duplicates, the right order, a bounded list).

/** How many events a live list keeps on screen; older ones are a "load older" away. */
export const MAX_ON_SCREEN = 500;

export function streamQuery(f: StreamFilters, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  if (f.type) q.set('type', f.type);
  if (f.event?.trim()) q.set('event', f.event.trim());
  if (f.anonymousId?.trim()) q.set('anonymousId', f.anonymousId.trim());
  if (f.contactId) q.set('contactId', f.contactId);
  if (f.since) {
    const at = new Date(f.since);
    if (!Number.isNaN(at.getTime())) q.set('since', at.toISOString());
  }
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return q.toString();
}

/** Arrival order for the workspace stream; a customer's events in the time they happened. */
export type StreamOrder = 'arrival' | 'time';

function compare(order: StreamOrder) {
  const byId = (a: StreamEvent, b: StreamEvent) => {
    const x = BigInt(a.id);
    const y = BigInt(b.id);
    return x === y ? 0 : x > y ? -1 : 1;
  };
  if (order === 'arrival') return byId;
  return (a: StreamEvent, b: StreamEvent) => (a.occurredAt === b.occurredAt ? byId(a, b) : a.occurredAt > b.occurredAt ? -1 : 1);
}

/**
 * Puts polled events into the list on screen. A poll may repeat events it sent before (the
 * server re-sends the last seconds so a late commit is not missed); those replace the old copy.
 * Returns the list and how many events were really new.
 */
export function mergeEvents(current: StreamEvent[], incoming: StreamEvent[], order: StreamOrder, max = MAX_ON_SCREEN): { items: StreamEvent[]; added: number } {
  const byId = new Map(current.map((e) => [e.id, e]));
  let added = 0;
  for (const e of incoming) {
    if (!byId.has(e.id)) added++;
    byId.set(e.id, e);
  }
  if (added === 0 && incoming.length === 0) return { items: current, added };
  const items = [...byId.values()].sort(compare(order)).slice(0, max);
  return { items, added };
}

/** Older pages go below; an event already on screen (it arrived live) is not shown twice. */
export function appendOlder(current: StreamEvent[], older: StreamEvent[]): StreamEvent[] {
  const seen = new Set(current.map((e) => e.id));
  return [...current, ...older.filter((e) => !seen.has(e.id))];
}

/**
 * The one-line label of an event: its name, or its type when it has none (identify, alias…),
 * as `typeLabel` reads it in the reader's language (the raw type without one).
 */
export function eventLabel(e: Pick<StreamEvent, 'type' | 'event'>, typeLabel?: (type: StreamEvent['type']) => string): string {
  return e.event ?? (typeLabel ? typeLabel(e.type) : e.type);
}

/** JSON for people: two-space indent, and an empty object says so instead of "{}". */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}
