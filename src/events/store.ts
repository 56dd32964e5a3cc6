import { sql } from 'kysely';
import type pg from 'pg';
import type { Executor } from '../platform/http.ts';
import type { NormalizedEvent } from './validate.ts';

// Writing events: one set-based statement inserts any number of events (of any workspaces),
// resolves each to its customer and skips messageIds already stored. Both the group-commit
// buffer and identify use it. Events are not copied to interactions: the customer's timeline
// reads them from events (src/contacts/timeline.ts, migration 0017).

export interface EventRow {
  workspaceId: string;
  event: NormalizedEvent;
  /** Known already (identify/alias resolved it); otherwise resolved in SQL from userId/anonymousId. */
  contactId?: string | null;
}

export interface StoredEvent {
  id: string;
  contactId: string | null;
}

export const rowKey = (workspaceId: string, messageId: string) => `${workspaceId}\u0000${messageId}`;

/**
 * Takes shared advisory locks on the identities the rows name. identify/alias take the same keys
 * exclusively before linking and back-filling, so an event is either inserted after the link
 * (and resolves through it) or committed before the back-fill (and is updated by it): never lost
 * between the two. The insert must run as a later statement so its snapshot sees the link.
 */
const LOCK_SQL = (fn: 'pg_advisory_xact_lock_shared' | 'pg_advisory_xact_lock', keys: string) =>
  `select count(${fn}(h)) from (select distinct hashtextextended(k, 727) as h from unnest(${keys}::text[]) k order by h) s`;

export async function lockIdentities(db: Executor, keys: string[], mode: 'shared' | 'exclusive'): Promise<void> {
  if (keys.length === 0) return;
  const [before, after] = LOCK_SQL(mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock', '\u0000').split('\u0000') as [string, string];
  await sql`${sql.raw(before)}${keys}${sql.raw(after)}`.execute(db);
}

export function identityKeys(workspaceId: string, e: { userId: string | null; anonymousId: string | null }): string[] {
  const keys: string[] = [];
  if (e.userId) keys.push(`${workspaceId}:u:${e.userId}`);
  if (e.anonymousId) keys.push(`${workspaceId}:a:${e.anonymousId}`);
  return keys;
}

/** The JSON payload of insertEvents: one object per row, `ord` keeps the request order. */
function eventsPayload(rows: EventRow[]): string {
  return JSON.stringify(
    rows.map((r, ord) => ({
      ord,
      workspace_id: r.workspaceId,
      message_id: r.event.messageId,
      type: r.event.type,
      event: r.event.event,
      user_id: r.event.userId,
      anonymous_id: r.event.anonymousId,
      properties: r.event.properties,
      context: r.event.context,
      occurred_at: r.event.occurredAt.toISOString(),
      contact_id: r.contactId ?? null,
    })),
  );
}

/** The insert, around its one parameter (the payload): shared by Kysely and the prepared statement. */
const INSERT_EVENTS = (payload: string) => `
    with r as (
      select * from jsonb_to_recordset(${payload}::jsonb) as x(
        ord int, workspace_id uuid, message_id text, type text, event text, user_id text, anonymous_id text,
        properties jsonb, context jsonb, occurred_at timestamptz, contact_id uuid)
    ), resolved as (
      select r.*, coalesce(
        r.contact_id,
        (select ci.contact_id from contact_identities ci
          where ci.workspace_id = r.workspace_id and ci.kind = 'external' and ci.value = 'segment:' || r.user_id),
        (select coalesce(c.merged_into, c.id) from event_identities ei join contacts c on c.id = ei.contact_id
          where ei.workspace_id = r.workspace_id and ei.anonymous_id = r.anonymous_id and c.deleted_at is null)
      ) as resolved_contact
      from r
    ), e as (
      insert into events (workspace_id, message_id, type, event, contact_id, anonymous_id, user_id, properties, context, occurred_at)
      select workspace_id, message_id, type, event, resolved_contact, anonymous_id, user_id, properties, context, occurred_at
      from resolved order by ord
      on conflict (workspace_id, message_id) do nothing
      returning id, workspace_id, message_id, contact_id
    )
    select e.id::text as id, e.workspace_id, e.message_id, e.contact_id from e`;

const [INSERT_BEFORE, INSERT_AFTER] = INSERT_EVENTS('\u0000').split('\u0000') as [string, string];

type InsertedRow = { id: string; workspace_id: string; message_id: string; contact_id: string | null };

function storedMap(rows: InsertedRow[]): Map<string, StoredEvent> {
  const out = new Map<string, StoredEvent>();
  for (const r of rows) out.set(rowKey(r.workspace_id, r.message_id), { id: String(r.id), contactId: r.contact_id });
  return out;
}

/** Inserts the rows; the answer maps workspace+messageId of each newly stored row (duplicates are absent). */
export async function insertEvents(db: Executor, rows: EventRow[]): Promise<Map<string, StoredEvent>> {
  if (rows.length === 0) return new Map();
  const result = await sql<InsertedRow>`${sql.raw(INSERT_BEFORE)}${eventsPayload(rows)}${sql.raw(INSERT_AFTER)}`.execute(db);
  return storedMap(result.rows);
}

/**
 * The group commit's write on PostgreSQL, on a pooled connection of its own: lock, insert and
 * commit as named prepared statements. Planning the insert cost 7–15 ms a time (it is one large
 * statement); prepared, each connection plans it once.
 */
export async function insertEventsPrepared(pool: pg.Pool, rows: EventRow[], lockKeys: string[]): Promise<Map<string, StoredEvent>> {
  if (rows.length === 0) return new Map();
  const payload = eventsPayload(rows);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    try {
      if (lockKeys.length > 0) await client.query({ name: 'rapport_events_lock', text: LOCK_SQL('pg_advisory_xact_lock_shared', '$1'), values: [lockKeys] });
      const res = await client.query<InsertedRow>({ name: 'rapport_events_insert', text: INSERT_EVENTS('$1'), values: [payload] });
      await client.query('commit');
      return storedMap(res.rows);
    } catch (err) {
      await client.query('rollback').catch((e: Error) => (broken = e));
      throw err;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Gives earlier events of an anonymous id or user id, stored before the customer was known, to
 * that customer (and so to its timeline). Returns how many events were back-filled.
 */
export async function backfillEvents(
  db: Executor,
  workspaceId: string,
  contactId: string,
  ids: { anonymousId?: string | null; userId?: string | null },
): Promise<number> {
  if (!ids.anonymousId && !ids.userId) return 0;
  const result = await sql`
    update events set contact_id = ${contactId}
    where workspace_id = ${workspaceId} and contact_id is null
      and (anonymous_id = ${ids.anonymousId ?? null} or user_id = ${ids.userId ?? null})
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
