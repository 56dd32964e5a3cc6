import type { FastifyRequest } from 'fastify';
import type { AuthContext, Executor } from '../platform/http.ts';
import { LAST_USED_RESOLUTION_MS, touchApiKey } from './api-keys.ts';
import { API_KEY_CACHE_MS, cacheKey, cachedKey } from './api-key-cache.ts';
import { sha256 } from './tokens.ts';

export const SESSION_COOKIE = 'rapport_session';

/** The key's workspace and role, from the per-process cache (api-key-cache.ts) or the database. */
async function apiKeyAuth(db: Executor, key: string): Promise<AuthContext | null> {
  const hash = sha256(key);
  const now = Date.now();
  let k = cachedKey(hash, now);
  if (!k) {
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'role', 'last_used_at'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    k = { id: row.id, workspaceId: row.workspace_id, role: row.role, lastUsedAt: row.last_used_at, until: now + API_KEY_CACHE_MS };
    cacheKey(hash, k);
  }
  if (!k.lastUsedAt || now - k.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Noted before the write, so the requests arriving meanwhile do not all write too.
    const known = k.lastUsedAt;
    k.lastUsedAt = new Date(now);
    await touchApiKey(db, k.id, known);
  }
  return { workspaceId: k.workspaceId, role: k.role, userId: null, apiKeyId: k.id, via: 'api_key' };
}

/** Resolves the caller from an API key (Authorization: Bearer) or a session cookie. */
export async function authenticate(req: FastifyRequest, db: Executor): Promise<AuthContext | null> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const key = header.slice(7).trim();
    if (!key) return null;
    return apiKeyAuth(db, key);
  }
  const token = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.workspace_id', 'sessions.csrf_token', 'users.id as user_id', 'users.role', 'users.must_change_password'])
    .where('sessions.id', '=', sha256(token))
    .where('sessions.expires_at', '>', new Date())
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    workspaceId: row.workspace_id,
    role: row.role,
    userId: row.user_id,
    apiKeyId: null,
    via: 'session',
    csrfToken: row.csrf_token,
    sessionId: row.id,
    mustChangePassword: row.must_change_password,
  };
}
