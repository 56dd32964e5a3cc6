import type { Executor } from '../platform/http.ts';
import { NotFound } from '../platform/errors.ts';
import type { Role } from '../platform/tables.ts';
import { forgetApiKey } from './api-key-cache.ts';
import { randomToken, sha256 } from './tokens.ts';

export const API_KEY_PREFIX = 'rk_';

export interface CreatedApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** The whole key: returned once, never stored. */
  key: string;
}

export async function createApiKey(
  db: Executor,
  input: { workspaceId: string; name: string; role: Role; createdBy?: string | null },
): Promise<CreatedApiKey> {
  const key = randomToken(API_KEY_PREFIX);
  const prefix = key.slice(0, 10);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      role: input.role,
      prefix,
      key_hash: sha256(key),
      created_by: input.createdBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name: input.name, role: input.role, prefix, key };
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_COLUMNS = ['id', 'name', 'role', 'prefix', 'created_by', 'created_at', 'last_used_at', 'revoked_at'] as const;

function view(r: {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** Lists keys without the key or its hash: only the prefix identifies one. */
export async function listApiKeys(db: Executor, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(KEY_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

/** Revoking twice is harmless: the second call reports the key as it already is. */
export async function revokeApiKey(db: Executor, workspaceId: string, id: string): Promise<{ before: ApiKeyView; after: ApiKeyView }> {
  const row = await db.selectFrom('api_keys').select(KEY_COLUMNS).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('API key');
  if (row.revoked_at) return { before: view(row), after: view(row) };
  const after = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(KEY_COLUMNS)
    .executeTakeFirstOrThrow();
  forgetApiKey(id);
  return { before: view(row), after: view(after) };
}

export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Records use at most once a minute per key: a write on every request would turn each read
 * into a write and make busy keys contend on one row.
 */
export async function touchApiKey(db: Executor, id: string, lastUsedAt: Date | null): Promise<void> {
  const now = Date.now();
  if (lastUsedAt && now - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  const stale = new Date(now - LAST_USED_RESOLUTION_MS);
  await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date(now) })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute();
}
