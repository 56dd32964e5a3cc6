import assert from 'node:assert/strict';
import { createApiKey } from '../auth/api-keys.ts';
import { createLogger } from '../platform/log.ts';
import { runOneJob } from '../platform/jobs.ts';
import type { Role } from '../platform/tables.ts';
import type { TestEnv, TestWorkspace } from '../../test/support/harness.ts';
import { importJobHandlers } from './jobs.ts';

// Shared by the imports tests: upload through the API, start, and drive the job to the end.

const log = createLogger('silent');

export async function upload(env: TestEnv, ws: { headers: Record<string, string> }, kind: string, csv: string | Buffer, contentType = 'text/csv', query = '') {
  return env.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}${query}`,
    headers: { ...ws.headers, 'content-type': contentType },
    payload: csv,
  });
}

/** Runs import jobs until this import is finished (another test process may claim it first on PostgreSQL). */
export async function finishImport(env: TestEnv, ws: TestWorkspace, id: string) {
  for (let i = 0; i < 2000; i++) {
    const worked = await runOneJob(env.engine, log, importJobHandlers);
    const res = await env.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: ws.headers });
    const body = res.json();
    if (body.state === 'succeeded' || body.state === 'failed') return body;
    if (!worked) await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

/** Upload + start with the suggested mapping (or the one given) + run to the end. */
export async function importCsv(env: TestEnv, ws: TestWorkspace, kind: string, csv: string | Buffer, mapping?: Record<string, string>) {
  const up = await upload(env, ws, kind, csv);
  assert.equal(up.statusCode, 201, up.body);
  const { id, suggestedMapping } = up.json();
  const start = await env.app.inject({
    method: 'POST',
    url: `/api/v1/imports/${id}/start`,
    headers: ws.headers,
    payload: { mapping: mapping ?? suggestedMapping },
  });
  assert.equal(start.statusCode, 202, start.body);
  const done = await finishImport(env, ws, id);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  return done;
}

export async function rejectionsCsv(env: TestEnv, ws: TestWorkspace, id: string): Promise<string> {
  const res = await env.app.inject({ method: 'GET', url: `/api/v1/imports/${id}/rejections.csv`, headers: ws.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.body;
}

export async function keyFor(env: TestEnv, ws: TestWorkspace, role: Role): Promise<Record<string, string>> {
  const k = await createApiKey(env.engine.db, { workspaceId: ws.workspaceId, name: `${role} key`, role });
  return { authorization: `Bearer ${k.key}` };
}

export async function defineAttribute(env: TestEnv, workspaceId: string, key: string, type: 'text' | 'number' | 'date' | 'boolean' | 'choice', choices: string[] | null = null) {
  await env.engine.db
    .insertInto('attribute_definitions')
    .values({ workspace_id: workspaceId, key, label: key, type, choices, applies_to: 'person' })
    .execute();
}

export async function people(env: TestEnv, workspaceId: string) {
  return env.engine.db
    .selectFrom('contacts')
    .select(['id', 'first_name', 'last_name', 'name', 'emails', 'phones', 'external_ids', 'tags', 'attributes', 'company_id', 'locale', 'source'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'person')
    .where('merged_into', 'is', null)
    .where('deleted_at', 'is', null)
    .orderBy('name')
    .execute();
}
