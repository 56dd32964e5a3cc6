import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../auth/api-keys.ts';
import type { Executor } from '../platform/http.ts';
import type { Role } from '../platform/tables.ts';

// Test helpers for the orders capability. Contacts are inserted directly: their API belongs to
// another capability, and the orders tests only need a row and its identities.

export async function createPerson(
  db: Executor,
  workspaceId: string,
  p: { name?: string; email?: string; phone?: string; externalId?: string } = {},
): Promise<string> {
  const row = await db
    .insertInto('contacts')
    .values({
      workspace_id: workspaceId,
      kind: 'person',
      name: p.name ?? 'Test Person',
      emails: p.email ? [p.email] : [],
      phones: p.phone ? [p.phone] : [],
      external_ids: p.externalId ? [p.externalId] : [],
      attributes: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const identities = [
    ...(p.email ? [{ kind: 'email' as const, value: p.email }] : []),
    ...(p.phone ? [{ kind: 'phone' as const, value: p.phone }] : []),
    ...(p.externalId ? [{ kind: 'external' as const, value: p.externalId }] : []),
  ];
  if (identities.length) {
    await db
      .insertInto('contact_identities')
      .values(identities.map((i) => ({ workspace_id: workspaceId, kind: i.kind, value: i.value, contact_id: row.id })))
      .execute();
  }
  return row.id;
}

export async function headersFor(db: Executor, workspaceId: string, role: Role): Promise<Record<string, string>> {
  const key = await createApiKey(db, { workspaceId, name: `${role} key`, role });
  return { authorization: `Bearer ${key.key}` };
}

export interface Reply {
  status: number;
  body: any;
}

/** A tiny client bound to one caller, so tests read as API calls. */
export function client(app: FastifyInstance, headers: Record<string, string>) {
  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<Reply> => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body: unknown) => call('POST', url, body),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
  };
}
export type Client = ReturnType<typeof client>;

/** Creates a product and returns its id. */
export async function product(api: Client, sku: string, priceMinor: number, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await api.post('/api/v1/products', { sku, name: `Product ${sku}`, priceMinor, currency: 'EUR', ...extra });
  if (r.status !== 201) throw new Error(`product ${sku}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** Places an order through the API and returns its body; fails the test on any other status. */
export async function order(api: Client, body: Record<string, unknown>): Promise<any> {
  const r = await api.post('/api/v1/orders', body);
  if (r.status !== 201) throw new Error(`order: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
