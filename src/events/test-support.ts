import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestEnv, TestWorkspace } from '../../test/support/harness.ts';

// Helpers shared by the events tests (not a test file itself).

export interface Source {
  ws: TestWorkspace;
  writeKey: string;
  /** Posts to /v1/<path> with the write key as HTTP Basic user name. */
  send(path: string, payload: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

export async function eventSource(env: TestEnv, ws?: TestWorkspace): Promise<Source> {
  const w = ws ?? (await env.workspace());
  const res = await env.app.inject({ method: 'POST', url: '/api/v1/event-sources', headers: w.headers, payload: { name: 'Web shop' } });
  assert.equal(res.statusCode, 201, res.body);
  const writeKey = res.json().writeKey as string;
  return {
    ws: w,
    writeKey,
    async send(path, payload, headers) {
      const r = await env.app.inject({
        method: 'POST',
        url: `/v1/${path}`,
        headers: { ...basic(writeKey), ...(headers ?? {}) },
        ...(typeof payload === 'string' ? { payload } : { payload: payload as object }),
      });
      return { status: r.statusCode, body: r.body ? r.json() : null };
    },
  };
}

export const mid = () => `m-${randomUUID()}`;

export async function eventRows(env: TestEnv, workspaceId: string) {
  return env.engine.db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

export async function contactByExternal(env: TestEnv, ws: TestWorkspace, externalId: string): Promise<any | null> {
  const r = await env.app.inject({ method: 'GET', url: `/api/v1/contacts/lookup?externalId=${encodeURIComponent(externalId)}`, headers: ws.headers });
  return r.statusCode === 200 ? r.json() : null;
}

export async function timelineOf(env: TestEnv, ws: TestWorkspace, contactId: string): Promise<any[]> {
  const r = await env.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}/timeline?limit=200`, headers: ws.headers });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().items;
}

export const CONSENT = 'I agree that the store recognises my phone to send me offers.';

/** A workspace with a store, a sensor (token in sensorAuth) and a person. */
export async function setupStore(env: TestEnv, ws?: TestWorkspace) {
  const w = ws ?? (await env.workspace());
  const call = async (method: string, url: string, payload?: unknown, headers = w.headers) => {
    const r = await env.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: r.statusCode, body: r.body ? r.json() : null };
  };
  const store = (await call('POST', '/api/v1/stores', { name: 'Kamppi', address: 'Urho Kekkosen katu 1' })).body;
  const sensor = (await call('POST', '/api/v1/sensors', { storeId: store.id, name: 'Entrance' })).body;
  const person = (await call('POST', '/api/v1/people', { firstName: 'Tiina', phones: ['+358401112233'] })).body;
  return { ws: w, call, store, sensor, person, sensorAuth: { authorization: `Bearer ${sensor.token}` } };
}

/** The customer an event was stored for (null while anonymous). */
export async function contactOfEvent(env: TestEnv, workspaceId: string, messageId: string): Promise<string | null> {
  const r = await env.engine.db.selectFrom('events').select('contact_id').where('workspace_id', '=', workspaceId).where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return r.contact_id;
}
