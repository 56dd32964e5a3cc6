import { sql } from 'kysely';
import { ValidationError } from '../platform/errors.ts';
import { decodeCursor, encodeCursor, type Executor } from '../platform/http.ts';
import { loadContact } from './records.ts';
import type { InteractionBody } from './schema.ts';
import type { Actor } from './service.ts';

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

/**
 * One page of a contact's timeline, newest first: a range scan of interactions_timeline
 * (contact_id, occurred_at desc, id desc) from the cursor position. The caller checks that the
 * contact is a live record of the workspace.
 */
export async function listTimeline(
  db: Executor,
  workspaceId: string,
  contactId: string,
  f: TimelineFilter,
): Promise<{ items: TimelineItem[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('interactions')
    .select([
      'id',
      'channel',
      'type',
      'direction',
      'occurred_at',
      'summary',
      'body',
      'ref_type',
      'ref_id',
      'author_user_id',
      'linked',
      EXACT_OCCURRED.as('sk'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.type) q = q.where('type', '=', f.type);
  const at = decodeCursor(f.cursor, 2);
  if (at) {
    const [ts, id] = at;
    if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts)) || typeof id !== 'string' || !/^\d{1,19}$/.test(id)) {
      throw ValidationError.field('query.cursor', 'Invalid cursor');
    }
    q = q.where(sql<boolean>`(occurred_at, id) < (${ts}::timestamptz, ${id}::bigint)`);
  }
  const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: String(r.id),
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
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.sk, String(last.id)]) : null,
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
