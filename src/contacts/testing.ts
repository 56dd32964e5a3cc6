import assert from 'node:assert/strict';
import type { TestEnv, TestWorkspace } from '../../test/support/harness.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../platform/tables.ts';

// Small helpers shared by the contacts tests (not a test file itself).

export interface Client {
  ws: TestWorkspace;
  call(method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  as(role: Role): Promise<Client>;
}

export async function client(env: TestEnv, ws?: TestWorkspace, headers?: Record<string, string>): Promise<Client> {
  const w = ws ?? (await env.workspace());
  const h = headers ?? w.headers;
  return {
    ws: w,
    async call(method, url, payload, extra) {
      const res = await env.app.inject({
        method: method as 'GET',
        url,
        headers: { ...h, ...(extra ?? {}) },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.body ? res.json() : null };
    },
    async as(role) {
      const key = await createApiKey(env.engine.db, { workspaceId: w.workspaceId, name: `${role} key`, role });
      return client(env, w, { authorization: `Bearer ${key.key}` });
    },
  };
}

export async function createPerson(c: Client, body: Record<string, unknown>): Promise<any> {
  const r = await c.call('POST', '/api/v1/people', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

export async function createCompany(c: Client, body: Record<string, unknown>): Promise<any> {
  const r = await c.call('POST', '/api/v1/companies', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

export async function defineAttribute(c: Client, body: Record<string, unknown>): Promise<any> {
  const r = await c.call('POST', '/api/v1/attributes', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

export async function auditActions(env: TestEnv, workspaceId: string, entityId: string): Promise<string[]> {
  const rows = await env.engine.db
    .selectFrom('audit_log')
    .select('action')
    .where('workspace_id', '=', workspaceId)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}
