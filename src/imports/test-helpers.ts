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

// The payments tests' shop (import-payments*.test.ts): a test workspace (Finland, EUR, 14-day
// payment terms) with two customers and their orders, and a payments file to import into it.
export const PEOPLE = 'First name;Last name;Email;Phone;Customer id\r\nAino;Virtanen;aino@example.fi;040 111 2222;C-1\r\nBo;Berg;bo@example.no;;C-2\r\n';
export const ORDERS = [
  'Order number;Ordered at;Status;Customer email;SKU;Quantity;Unit price (minor)',
  'A1;1.3.2025;ordered;aino@example.fi;TEA;1;1000', // due 15.3.
  'A2;1.4.2025;ordered;aino@example.fi;TEA;2;1000', // due 15.4.
  'A3;1.5.2025;ordered;aino@example.fi;TEA;1;1000', // due 15.5.
  'B1;10.3.2025;ordered;bo@example.no;TEA;1;500', // due 24.3.
].join('\r\n');

// As a Finnish spreadsheet saves it: semicolons, day-first dates, Finnish headers.
export const PAYMENTS = [
  'Maksutunnus;Maksupäivä;Summa senteissä;Valuutta;Maksutapa;Tilausnumero;Sähköposti;Puhelin;Asiakasnumero',
  'P1;10.3.2025;1000;EUR;card;A1;;;', // A1, on time
  'P2;20.4.2025 14:30;2000;;bank transfer;;aino@example.fi;;', // no order named: settles A2, 5 days late
  'P3;12.3.2025;500;eur;;B1;bo@example.no;;', // order and customer agree
  'P4;1.5.2025;100;EUR;;X9;;;',
  'P5;1.5.2025;100;EUR;;;nobody@example.fi;;',
  'P6;1.5.2025;100;EUR;;A1;bo@example.no;;',
  'P7;1.5.2025;0;EUR;;A1;;;',
  'P8;1.5.2025;-100;EUR;;A1;;;',
  'P9;1.5.2025;12,50;EUR;;A1;;;',
  'P10;31.2.2025;100;EUR;;A1;;;',
  'P11;2.5.2025;100;EUR;;;;040 111 2222;', // Aino by phone
  'P12;2.5.2025;300;EUR;;;;;C-2', // Bo by customer id: a credit
].join('\r\n');

/** PEOPLE and ORDERS imported into the workspace. */
export async function shop(env: TestEnv, ws: TestWorkspace): Promise<void> {
  await importCsv(env, ws, 'people', PEOPLE);
  const orders = await importCsv(env, ws, 'orders', ORDERS);
  assert.equal(orders.counts.created, 4, JSON.stringify(orders));
}

export async function contactByEmail(env: TestEnv, ws: TestWorkspace, email: string): Promise<string> {
  const row = await env.engine.db
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('workspace_id', '=', ws.workspaceId)
    .where('kind', '=', 'email')
    .where('value', '=', email)
    .executeTakeFirstOrThrow();
  return row.contact_id;
}
