import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../platform/db.ts';
import type { Role } from '../platform/tables.ts';
import { createApiKey } from './api-keys.ts';
import { SESSION_COOKIE } from './authenticate.ts';
import { createUser } from './users.ts';

// Helpers for the auth tests: a signed-in browser (cookie + CSRF token) and users of each role.

export interface Browser {
  cookie: string;
  csrfToken: string;
  /** Headers for a cookie-authenticated mutation. */
  headers: Record<string, string>;
  body: any;
}

export function sessionCookieOf(res: { cookies: Array<{ name: string; value: string }> }): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Browser> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = sessionCookieOf(res);
  assert.ok(cookie, 'sign-in sets the session cookie');
  const body = res.json();
  return { cookie, csrfToken: body.csrfToken, headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'x-csrf-token': body.csrfToken }, body };
}

let counter = 0;
export function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export async function addUser(engine: Engine, workspaceId: string, role: Role, password = 'correct horse battery'): Promise<{ id: string; email: string; password: string }> {
  const email = uniqueEmail(role);
  const u = await createUser(engine.db, { workspaceId, email, name: `${role} user`, role, password, mustChangePassword: false });
  return { id: u.id, email, password };
}

export async function keyFor(engine: Engine, workspaceId: string, role: Role): Promise<Record<string, string>> {
  const k = await createApiKey(engine.db, { workspaceId, name: `${role} key`, role });
  return { authorization: `Bearer ${k.key}` };
}
