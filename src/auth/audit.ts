import { decodeCursor, encodeCursor, type AuditEntry, type Executor } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import type { AuditQuery } from './schema.ts';

/**
 * For the few mutations that happen before there is an authenticated context (sign-in):
 * the same row ctx.audit() writes, with the actor named explicitly.
 */
export async function writeAuditRow(
  db: Executor,
  actor: { workspaceId: string; userId: string | null; requestId?: string },
  e: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: actor.workspaceId,
      actor_user_id: actor.userId,
      actor_api_key_id: null,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      request_id: actor.requestId ?? null,
    })
    .execute();
}

export interface AuditView {
  id: string;
  action: string;
  entity: string;
  entityId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: Date;
}

/** Newest first; the cursor is the last id seen, so pages stay stable while new rows arrive. */
export async function listAuditLog(db: Executor, workspaceId: string, q: AuditQuery): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  const cur = decodeCursor(q.cursor, 1);
  let before: string | null = null;
  if (cur) {
    if (typeof cur[0] !== 'string' || !/^\d{1,19}$/.test(cur[0])) throw ValidationError.field('query.cursor', 'Invalid cursor');
    before = cur[0];
  }
  let query = db
    .selectFrom('audit_log')
    .select(['id', 'action', 'entity', 'entity_id', 'actor_user_id', 'actor_api_key_id', 'before', 'after', 'request_id', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  if (q.entity !== undefined) query = query.where('entity', '=', q.entity);
  if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
  if (before !== null) query = query.where('id', '<', before);
  const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      actorUserId: r.actor_user_id,
      actorApiKeyId: r.actor_api_key_id,
      before: r.before,
      after: r.after,
      requestId: r.request_id,
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > q.limit ? encodeCursor([String(page[page.length - 1]!.id)]) : null,
  };
}
