import { sql } from 'kysely';
import { ValidationError } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';
import type { EventType } from './tables.ts';

// Reading the stored events back: the workspace's stream (arrival order, newest first) and one
// customer's events (their own time order). Both page with an opaque keyset cursor; `after`
// asks only for what arrived since, which is how a live view polls.

export interface StreamFilter {
  type?: EventType;
  event?: string;
  contactId?: string;
  anonymousId?: string;
  /** occurred_at ≥ since (ISO 8601). */
  since?: string;
  /** occurred_at < until (ISO 8601). */
  until?: string;
  /** Only events stored after this one (an event id): the live view's poll. */
  after?: string;
  cursor?: string;
  limit: number;
}

export interface StreamEvent {
  id: string;
  messageId: string;
  type: EventType;
  /** The track event's name, or the page/screen name. */
  event: string | null;
  /** The customer the event is linked to (the surviving record after a merge), null while anonymous. */
  contact: { id: string; name: string } | null;
  anonymousId: string | null;
  userId: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  occurredAt: string;
  receivedAt: string;
}

export interface StreamPage {
  items: StreamEvent[];
  /** Older events: pass as `cursor`. */
  nextCursor: string | null;
  /**
   * Pass as `after` on the next poll. It stays below events stored in the last few seconds, so an
   * insert that commits after a higher id was already visible is still picked up; such events
   * come again, and the caller drops the ids it already has.
   */
  resumeAfter: string;
  /** With `after`: more events arrived than `limit`; only the newest are in `items`. */
  truncated: boolean;
}

/** Transactions that take longer than this between taking an id and committing may be missed by a poller. */
export const LIVE_OVERLAP_SECONDS = 5;

const EXACT = (col: string) => sql<string>`to_char(${sql.ref(col)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const EVENT_ID = /^\d{1,19}$/;

type Cursor = { mode: 'arrival'; id: string } | { mode: 'time'; at: string; id: string };

function encode(c: Cursor): string {
  return Buffer.from(JSON.stringify(c.mode === 'arrival' ? ['a', c.id] : ['t', c.at, c.id])).toString('base64url');
}

function decode(raw: string | undefined, mode: Cursor['mode']): Cursor | null {
  if (!raw) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (Array.isArray(parts)) {
    const [tag, a, b] = parts;
    if (mode === 'arrival' && tag === 'a' && parts.length === 2 && typeof a === 'string' && EVENT_ID.test(a)) return { mode, id: a };
    if (mode === 'time' && tag === 't' && parts.length === 3 && typeof a === 'string' && CURSOR_TIME.test(a) && typeof b === 'string' && EVENT_ID.test(b)) {
      return { mode, at: a, id: b };
    }
  }
  throw ValidationError.field('query.cursor', 'Invalid cursor (it belongs to another listing or was altered)');
}

/** The customer's own id plus the records merged into it (merges re-point chains: one hop). */
async function contactIds(db: Executor, ws: string, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', ws)
    .where((eb) => eb.or([eb('id', '=', contactId), eb('merged_into', '=', contactId)]))
    .execute();
  return rows.map((r) => r.id);
}

function base(db: Executor, ws: string) {
  return db
    .selectFrom('events as e')
    .leftJoin('contacts as c', (j) => j.onRef('c.id', '=', 'e.contact_id').on('c.workspace_id', '=', ws))
    .select([
      'e.id',
      'e.message_id',
      'e.type',
      'e.event',
      'e.contact_id',
      'e.anonymous_id',
      'e.user_id',
      'e.properties',
      'e.context',
      'e.occurred_at',
      'e.received_at',
      'c.name as contact_name',
      'c.merged_into',
      EXACT('e.occurred_at').as('sk'),
      sql<boolean>`e.received_at >= now() - make_interval(secs => ${LIVE_OVERLAP_SECONDS})`.as('recent'),
    ])
    .where('e.workspace_id', '=', ws);
}

type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];

function toItem(r: Row): StreamEvent {
  return {
    id: String(r.id),
    messageId: r.message_id,
    type: r.type,
    event: r.event,
    contact: r.contact_id ? { id: r.merged_into ?? r.contact_id, name: r.contact_name ?? '' } : null,
    anonymousId: r.anonymous_id,
    userId: r.user_id,
    properties: json(r.properties),
    context: json(r.context),
    occurredAt: new Date(r.occurred_at).toISOString(),
    receivedAt: new Date(r.received_at).toISOString(),
  };
}

/**
 * One page of events. The workspace stream is in arrival order (id): the primary key serves it
 * newest first, and the name index (workspace_id, event, …) serves an event-name filter. A
 * customer's events are in their time order through events_contact_time. A live poll (`after`)
 * is always in arrival order, so what it returns is exactly "new since last time".
 */
export async function listEvents(db: Executor, ws: string, f: StreamFilter): Promise<StreamPage> {
  const mode: Cursor['mode'] = f.contactId && !f.after ? 'time' : 'arrival';
  const at = decode(f.cursor, mode);
  const ids = f.contactId ? await contactIds(db, ws, f.contactId) : null;
  if (ids && ids.length === 0) return { items: [], nextCursor: null, resumeAfter: f.after ?? '0', truncated: false };

  let q = base(db, ws);
  if (ids) q = q.where('e.contact_id', 'in', ids);
  if (f.type) q = q.where('e.type', '=', f.type);
  if (f.event) q = q.where('e.event', '=', f.event);
  if (f.anonymousId) {
    // Phrased for the existing indexes: an unlinked visitor's events through events_anonymous
    // (contact_id is null), a linked one's through the customer's events_contact_time.
    const linked = await db
      .selectFrom('event_identities')
      .select('contact_id')
      .where('workspace_id', '=', ws)
      .where('anonymous_id', '=', f.anonymousId)
      .execute();
    const anon = f.anonymousId;
    q = q.where('e.anonymous_id', '=', anon).where((eb) =>
      linked.length ? eb.or([eb('e.contact_id', 'is', null), eb('e.contact_id', 'in', linked.map((l) => l.contact_id))]) : eb('e.contact_id', 'is', null),
    );
  }
  if (f.since) q = q.where('e.occurred_at', '>=', new Date(f.since));
  if (f.until) q = q.where('e.occurred_at', '<', new Date(f.until));
  if (f.after) q = q.where('e.id', '>', f.after);
  if (at?.mode === 'arrival') q = q.where('e.id', '<', at.id);
  if (at?.mode === 'time') q = q.where(sql<boolean>`(e.occurred_at, e.id) < (${at.at}::timestamptz, ${at.id}::bigint)`);
  // A window that ends in the past ("until") is found through events_ws_time and sorted; walking
  // the primary key back from the newest event to reach it read millions of rows. `id + 0` keeps
  // the planner from choosing that walk (it assumes matches are spread evenly over ids).
  const arrivalKey = f.until && !ids ? sql`e.id + 0` : sql`e.id`;
  q = mode === 'time' ? q.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc') : q.orderBy(arrivalKey, 'desc');

  const rows = await q.limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const more = rows.length > f.limit;
  const last = page[page.length - 1];
  const nextCursor = more && last && !f.after ? encode(mode === 'time' ? { mode, at: last.sk, id: String(last.id) } : { mode, id: String(last.id) }) : null;

  return {
    items: page.map(toItem),
    nextCursor,
    resumeAfter: mode === 'time' ? await resumeForTime(db, ws, ids ?? [], f) : resumeFor(page, f.after, f.cursor),
    truncated: Boolean(f.after) && more,
  };
}

function json(v: unknown): Record<string, unknown> {
  const parsed = typeof v === 'string' ? JSON.parse(v) : v;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/**
 * Arrival order: the page holds the newest matching events above `after`. The poll resumes after
 * the highest id stored longer ago than the overlap window: ids are handed out in order, so every
 * id below it was handed out earlier still and its transaction has ended. Ids above it may belong
 * to a transaction still in flight (another request, another workspace: ids are not consecutive
 * per workspace), so they are asked for again until they are old.
 */
function resumeFor(page: Array<{ id: string | number; recent: boolean }>, after: string | undefined, cursor: string | undefined): string {
  const floor = BigInt(after ?? '0');
  if (cursor) return floor.toString(); // an older page says nothing about what is new
  const settled = page.filter((r) => !r.recent).map((r) => BigInt(r.id));
  const top = settled.reduce((a, b) => (b > a ? b : a), floor);
  return top.toString();
}

/** A customer's first page is in time order; the live poll starts below anything stored recently. */
async function resumeForTime(db: Executor, ws: string, ids: string[], f: StreamFilter): Promise<string> {
  if (f.cursor || ids.length === 0) return '0';
  const r = await db
    .selectFrom('events')
    .select(sql<string | null>`max(id)::text`.as('id'))
    .where('workspace_id', '=', ws)
    .where('contact_id', 'in', ids)
    .where(sql<boolean>`received_at < now() - make_interval(secs => ${LIVE_OVERLAP_SECONDS})`)
    .executeTakeFirst();
  return r?.id ?? '0';
}

/** One event, for the detail view and links to it. */
export async function getEvent(db: Executor, ws: string, id: string): Promise<StreamEvent | null> {
  const r = await base(db, ws).where('e.id', '=', id).executeTakeFirst();
  return r ? toItem(r) : null;
}
