import { sql, type RawBuilder } from 'kysely';
import { executePrepared } from '../platform/db.ts';
import { ValidationError } from '../platform/errors.ts';
import { decodeCursor, encodeCursor, type Executor } from '../platform/http.ts';
import { loadContact } from './records.ts';
import type { InteractionBody } from './schema.ts';
import type { Actor } from './service.ts';

type Sql = RawBuilder<unknown>;

export interface NewInteraction {
  workspaceId: string;
  contactId: string;
  channel: string;
  type: string;
  direction?: 'inbound' | 'outbound' | 'internal';
  occurredAt?: Date;
  summary?: string;
  body?: string | null;
  ref?: { type: string; id: string } | null;
  authorUserId?: string | null;
  linked?: Array<{ type: string; id: string }>;
}

/** Every capability writes what happened with a customer here: one timeline over all channels. */
export async function appendInteraction(db: Executor, i: NewInteraction): Promise<{ id: string }> {
  return db
    .insertInto('interactions')
    .values({
      workspace_id: i.workspaceId,
      contact_id: i.contactId,
      channel: i.channel,
      type: i.type,
      direction: i.direction ?? 'internal',
      occurred_at: i.occurredAt ?? new Date(),
      summary: i.summary ?? '',
      body: i.body ?? null,
      ref_type: i.ref?.type ?? null,
      ref_id: i.ref?.id ?? null,
      author_user_id: i.authorUserId ?? null,
      linked: JSON.stringify(i.linked ?? []),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export interface TimelineItem {
  id: string;
  channel: string;
  type: string;
  direction: 'inbound' | 'outbound' | 'internal';
  occurredAt: string;
  summary: string;
  body: string | null;
  ref: { type: string; id: string } | null;
  authorUserId: string | null;
  linked: Array<{ type: string; id: string }>;
}

export interface TimelineFilter {
  channel?: string;
  type?: string;
  cursor?: string;
  limit: number;
}

/** occurred_at to the microsecond, so a keyset position never skips rows within one millisecond. */
const EXACT_OCCURRED = sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/*
 * Tracked events (events table) are on the timeline without being copied into interactions
 * (migration 0017): they appear as channel 'web' (page, screen) or 'event', type 'web.page',
 * 'event.track'…, direction inbound, with a summary made from the event, ref { type: 'event' }.
 * Their item ids are 'event-<id>': the two tables number their rows independently.
 */
const EVENT_CHANNEL = sql<string>`case when e.type in ('page', 'screen') then 'web' else 'event' end`;
const EVENT_TYPE = sql<string>`case e.type when 'page' then 'web.page' when 'screen' then 'web.screen' else 'event.' || e.type end`;
const EVENT_SUMMARY = sql<string>`left(case e.type
    when 'track' then e.event
    when 'page' then coalesce(e.event, e.properties->>'title', e.properties->>'url', e.properties->>'path', 'Page view')
    when 'screen' then coalesce(e.event, 'Screen view')
    when 'identify' then 'Identified'
    when 'group' then 'Joined group ' || (e.properties->>'groupId')
    else 'Alias of ' || (e.properties->>'previousId') end, 500)`;

const PAGE_TYPES = ['page', 'screen'];
const TRACK_TYPES = ['track', 'identify', 'group', 'alias'];

/** The events condition for a channel/type filter; null when no event can match it. */
function eventFilter(f: TimelineFilter): Sql | null {
  const parts: Sql[] = [];
  if (f.channel === 'web') parts.push(sql`e.type in ('page', 'screen')`);
  else if (f.channel === 'event') parts.push(sql`e.type not in ('page', 'screen')`);
  else if (f.channel) return null;
  if (f.type) {
    const [prefix, rest] = [f.type.slice(0, f.type.indexOf('.') + 1), f.type.slice(f.type.indexOf('.') + 1)];
    if (prefix === 'web.' && PAGE_TYPES.includes(rest)) parts.push(sql`e.type = ${rest}`);
    else if (prefix === 'event.' && TRACK_TYPES.includes(rest)) parts.push(sql`e.type = ${rest}`);
    else return null;
  }
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

type Source = 'i' | 'e';
interface Position {
  ts: string;
  src: Source;
  id: string;
}

/** Cursors are [time, source, id]; a two-part cursor from before events joined the timeline is an interactions one. */
function position(cursor: string | undefined): Position | null {
  if (!cursor) return null;
  let at: unknown[] | null;
  try {
    at = decodeCursor(cursor, 3);
  } catch {
    const old = decodeCursor(cursor, 2);
    at = old && [old[0], 'i', old[1]];
  }
  if (!at) return null;
  const [ts, src, id] = at;
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts)) || (src !== 'i' && src !== 'e') || typeof id !== 'string' || !/^\d{1,19}$/.test(id)) {
    throw ValidationError.field('query.cursor', 'Invalid cursor');
  }
  return { ts, src, id };
}

/*
 * Order: occurred_at desc, then interactions before events at the same instant, then id desc.
 * Each branch continues after the cursor under that order, so one keyset spans both tables.
 */
function after(p: Position | null, src: Source): Sql {
  if (!p) return sql`true`;
  if (p.src === src) return sql`(occurred_at, id) < (${p.ts}::timestamptz, ${p.id}::bigint)`;
  // The other table's row at p.ts: interactions at that instant came before it, events come after.
  return src === 'i' ? sql`occurred_at < ${p.ts}::timestamptz` : sql`occurred_at <= ${p.ts}::timestamptz`;
}

/** The customer's own id plus the records merged into it (merge re-points chains: one hop). */
async function withMerged(db: Executor, workspaceId: string, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', contactId)
    .execute();
  return [contactId, ...rows.map((r) => r.id)];
}

type Row = {
  src: Source;
  id: string;
  channel: string;
  type: string;
  direction: TimelineItem['direction'];
  occurred_at: Date | string;
  summary: string;
  body: string | null;
  ref_type: string | null;
  ref_id: string | null;
  author_user_id: string | null;
  linked: unknown;
  sk: string;
};

/**
 * One page of a contact's timeline, newest first: interactions (range scan of
 * interactions_timeline) merged with the contact's events (events_contact_time), each branch
 * limited to a page, from the cursor position. Events of records merged into this one are
 * included: merge moves interactions, not events. The caller checks that the contact is a live
 * record of the workspace.
 */
export async function listTimeline(
  db: Executor,
  workspaceId: string,
  contactId: string,
  f: TimelineFilter,
  /** The ids of the records merged into this one, when the caller has already read them (the 360 view). */
  merged?: string[],
): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  const at = position(f.cursor);
  const n = f.limit + 1;
  const iFilter = sql.join([f.channel ? sql`channel = ${f.channel}` : sql`true`, f.type ? sql`type = ${f.type}` : sql`true`], sql` and `);
  const interactions = sql`(select 'i' as src, id::text as id, channel, type, direction, occurred_at, summary, body, ref_type, ref_id,
      author_user_id::text as author_user_id, linked, ${EXACT_OCCURRED} as sk
    from interactions
    where workspace_id = ${workspaceId} and contact_id = ${contactId} and ${iFilter} and ${after(at, 'i')}
    order by interactions.occurred_at desc, interactions.id desc limit ${n})`;
  const eFilter = eventFilter(f);
  let events: Sql | null = null;
  if (eFilter) {
    const ids = merged ? [contactId, ...merged] : await withMerged(db, workspaceId, contactId);
    const who = ids.length === 1 ? sql`e.contact_id = ${contactId}` : sql`e.contact_id in (${sql.join(ids)})`;
    events = sql`(select 'e' as src, e.id::text as id, ${EVENT_CHANNEL} as channel, ${EVENT_TYPE} as type, 'inbound' as direction,
        e.occurred_at, ${EVENT_SUMMARY} as summary, null::text as body, 'event' as ref_type, e.id::text as ref_id,
        null::text as author_user_id, '[]'::jsonb as linked, ${EXACT_OCCURRED} as sk
      from events e
      where e.workspace_id = ${workspaceId} and ${who} and ${eFilter} and ${after(at, 'e')}
      order by e.occurred_at desc, e.id desc limit ${n})`;
  }
  const union = events ? sql`${interactions} union all ${events}` : interactions;
  const query = sql<Row>`select * from (${union}) t order by occurred_at desc, src desc, id::bigint desc limit ${n}`;
  // The 360 view's page (merged ids read by the caller, none; no cursor, no filter) is one fixed
  // text whose generic plan is its custom one: prepared, it skips planning (see executePrepared).
  const fixed = merged?.length === 0 && !f.cursor && !f.channel && !f.type;
  const rows = fixed ? await executePrepared(db, query) : (await query.execute(db)).rows;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.src === 'e' ? `event-${r.id}` : String(r.id),
      channel: r.channel,
      type: r.type,
      direction: r.direction,
      occurredAt: new Date(r.occurred_at).toISOString(),
      summary: r.summary,
      body: r.body,
      ref: r.ref_type && r.ref_id ? { type: r.ref_type, id: r.ref_id } : null,
      authorUserId: r.author_user_id,
      linked: (typeof r.linked === 'string' ? JSON.parse(r.linked) : r.linked) ?? [],
    })),
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.sk, last.src, String(last.id)]) : null,
  };
}

/** A hand-logged interaction (note, call, meeting…), authored by the signed-in user. */
export async function logInteraction(
  db: Executor,
  actor: Actor,
  contactId: string,
  body: InteractionBody,
): Promise<TimelineItem> {
  await loadContact(db, actor.workspaceId, contactId);
  const type = body.type ?? (body.channel === 'note' ? 'note' : `${body.channel}.logged`);
  const { id } = await appendInteraction(db, {
    workspaceId: actor.workspaceId,
    contactId,
    channel: body.channel,
    type,
    direction: body.direction,
    occurredAt: body.occurredAt ? new Date(body.occurredAt) : undefined,
    summary: body.summary,
    body: body.body ?? null,
    authorUserId: actor.userId,
    linked: body.linked,
  });
  const item = await db
    .selectFrom('interactions')
    .select(['id', 'occurred_at'])
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const after: TimelineItem = {
    id: String(item.id),
    channel: body.channel,
    type,
    direction: body.direction,
    occurredAt: new Date(item.occurred_at).toISOString(),
    summary: body.summary,
    body: body.body ?? null,
    ref: null,
    authorUserId: actor.userId,
    linked: body.linked,
  };
  await actor.audit({ action: 'interaction.create', entity: 'contact', entityId: contactId, after });
  return after;
}
