import type { FastifyRequest } from 'fastify';
import { randomToken, sha256 } from '../auth/tokens.ts';
import { NotFound, Unauthorized } from '../platform/errors.ts';
import type { Executor } from '../platform/http.ts';

// Write keys identify a workspace's event source the way Segment does: HTTP Basic with the key
// as user name and an empty password (or `writeKey` in the body). They can only add events, so
// they may live in a web page; like API keys they are 32 random bytes stored as sha256.

export const WRITE_KEY_PREFIX = 'wk_';

export interface EventSourceView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export async function createEventSource(
  db: Executor,
  workspaceId: string,
  name: string,
  createdBy: string | null,
): Promise<EventSourceView & { writeKey: string }> {
  const writeKey = randomToken(WRITE_KEY_PREFIX);
  const row = await db
    .insertInto('event_sources')
    .values({ workspace_id: workspaceId, name, prefix: writeKey.slice(0, 10), key_hash: sha256(writeKey), created_by: createdBy })
    .returning(['id', 'name', 'prefix', 'created_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { ...view(row), writeKey };
}

function view(r: { id: string; name: string; prefix: string; created_at: Date; revoked_at: Date | null }): EventSourceView {
  return { id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at };
}

export async function listEventSources(db: Executor, workspaceId: string): Promise<EventSourceView[]> {
  const rows = await db
    .selectFrom('event_sources')
    .select(['id', 'name', 'prefix', 'created_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

export async function revokeEventSource(db: Executor, workspaceId: string, id: string): Promise<{ before: EventSourceView; after: EventSourceView }> {
  const cols = ['id', 'name', 'prefix', 'created_at', 'revoked_at'] as const;
  const row = await db.selectFrom('event_sources').select(cols).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Event source');
  const after = await db
    .updateTable('event_sources')
    .set({ revoked_at: row.revoked_at ?? new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(cols)
    .executeTakeFirstOrThrow();
  return { before: view(row), after: view(after) };
}

/** The write key of a request: Basic user name first, then the body's writeKey (Segment accepts both). */
export function writeKeyOf(req: FastifyRequest, body: unknown): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    return user || null;
  }
  const key = body && typeof body === 'object' ? (body as { writeKey?: unknown }).writeKey : undefined;
  return typeof key === 'string' && key ? key : null;
}

/** The workspace a write key belongs to; a missing, unknown or revoked key is a 401. */
export async function resolveWriteKey(db: Executor, req: FastifyRequest, body: unknown): Promise<{ workspaceId: string; sourceId: string }> {
  const key = writeKeyOf(req, body);
  if (!key || key.length > 200) throw new Unauthorized('A valid write key is required (HTTP Basic, key as user name)');
  const row = await db
    .selectFrom('event_sources')
    .select(['id', 'workspace_id'])
    .where('key_hash', '=', sha256(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new Unauthorized('Unknown or revoked write key');
  return { workspaceId: row.workspace_id, sourceId: row.id };
}
