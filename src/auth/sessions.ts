import type { FastifyReply } from 'fastify';
import type { Executor } from '../platform/http.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { randomToken, sha256 } from './tokens.ts';

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface NewSession {
  /** Goes into the cookie only; the database keeps its sha256. */
  token: string;
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(db: Executor, input: { workspaceId: string; userId: string }): Promise<NewSession> {
  const token = randomToken();
  const id = sha256(token);
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  // Expired sessions of this user are swept here, so the table does not grow without a cleanup job.
  await db.deleteFrom('sessions').where('user_id', '=', input.userId).where('expires_at', '<=', new Date()).execute();
  await db
    .insertInto('sessions')
    .values({ id, workspace_id: input.workspaceId, user_id: input.userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, id, csrfToken, expiresAt };
}

/** Ends every session of a user (password change, disabling). Returns how many ended. */
export async function endUserSessions(db: Executor, workspaceId: string, userId: string): Promise<number> {
  const res = await db.deleteFrom('sessions').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function endSession(db: Executor, workspaceId: string, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('workspace_id', '=', workspaceId).where('id', '=', sessionId).execute();
}

// Read at call time rather than from loadConfig(): the value is a deployment fact (https in front
// or not) and reading it here keeps the route plumbing free of config threading.
function secureCookies(): boolean {
  return process.env.COOKIE_SECURE === 'true';
}

export function setSessionCookie(reply: FastifyReply, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: secureCookies(),
    expires: session.expiresAt,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies() });
}
