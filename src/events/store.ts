import { sql } from 'kysely';
import type pg from 'pg';
import type { Executor } from '../platform/http.ts';
import type { NormalizedEvent } from './validate.ts';

// Writing events: one set-based call (rapport_insert_events, migration 0022) inserts any number
// of events (of any workspaces), resolves each to its customer and skips messageIds already stored. Both the group-commit
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
 * Advisory locks on the identities the rows name (migration 0022, rapport_lock_identities):
 * identify/alias take them exclusively before linking and back-filling, ingestion takes them
 * shared inside rapport_insert_events, so an event is either inserted after the link (and
 * resolves through it) or committed before the back-fill (and is updated by it): never lost
 * between the two.
 */
export async function lockIdentities(db: Executor, keys: string[], mode: 'shared' | 'exclusive'): Promise<void> {
  if (keys.length === 0) return;
  await sql`select rapport_lock_identities(${keys}::text[], ${mode === 'exclusive'})`.execute(db);
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

/** rapport_insert_events (migration 0022) locks, resolves, inserts; it answers the new rows. */
const STORED = 'stored_id::text as id, stored_workspace as workspace_id, stored_message as message_id, stored_contact as contact_id';
const INSERT_EVENTS = `select ${STORED} from rapport_insert_events($1::jsonb, $2::text[])`;

type InsertedRow = { id: string; workspace_id: string; message_id: string; contact_id: string | null };

function storedMap(rows: InsertedRow[]): Map<string, StoredEvent> {
  const out = new Map<string, StoredEvent>();
  for (const r of rows) out.set(rowKey(r.workspace_id, r.message_id), { id: String(r.id), contactId: r.contact_id });
  return out;
}

/**
 * Inserts the rows in the caller's transaction (no identity locks: identify/alias hold theirs
 * exclusively already); the answer maps workspace+messageId of each newly stored row
 * (duplicates are absent).
 */
export async function insertEvents(db: Executor, rows: EventRow[]): Promise<Map<string, StoredEvent>> {
  if (rows.length === 0) return new Map();
  const result = await sql<InsertedRow>`select ${sql.raw(STORED)} from rapport_insert_events(${eventsPayload(rows)}::jsonb, '{}'::text[])`.execute(db);
  return storedMap(result.rows);
}

/**
 * The group commit's write on PostgreSQL: one statement outside any explicit transaction, so
 * the server commits it (durably: synchronous_commit is the server's) before answering, and the
 * whole group costs one round trip. Named and prepared: each pooled connection parses it once,
 * and the function's plpgsql keeps the insert's plan.
 */
export async function insertEventsPrepared(pool: pg.Pool, rows: EventRow[], lockKeys: string[]): Promise<Map<string, StoredEvent>> {
  if (rows.length === 0) return new Map();
  const res = await pool.query<InsertedRow>({ name: 'rapport_insert_events', text: INSERT_EVENTS, values: [eventsPayload(rows), lockKeys] });
  return storedMap(res.rows);
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
