import type { FastifyRequest } from 'fastify';
import type { AuthContext, Executor } from '../platform/http.ts';
import { touchApiKey } from './api-keys.ts';
import { sha256 } from './tokens.ts';

export const SESSION_COOKIE = 'rapport_session';

/** Resolves the caller from an API key (Authorization: Bearer) or a session cookie. */
export async function authenticate(req: FastifyRequest, db: Executor): Promise<AuthContext | null> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const key = header.slice(7).trim();
    if (!key) return null;
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'workspace_id', 'role', 'last_used_at'])
      .where('key_hash', '=', sha256(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    await touchApiKey(db, row.id, row.last_used_at);
    return { workspaceId: row.workspace_id, role: row.role, userId: null, apiKeyId: row.id, via: 'api_key' };
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
