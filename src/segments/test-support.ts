import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestEnv } from '../../test/support/harness.ts';
import { client, createPerson, type Client } from '../contacts/testing.ts';

// Helpers shared by the segments tests (not a test file itself).

export { client, createPerson, type Client };

export const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** A person with a unique e-mail; returns the contact id. */
export async function person(c: Client, body: Record<string, unknown> = {}): Promise<string> {
  const tag = randomUUID().slice(0, 8);
  const p = await createPerson(c, { firstName: 'P', lastName: tag, emails: [`p-${tag}@example.test`], ...body });
  return p.id;
}

export async function track(env: TestEnv, workspaceId: string, contactId: string | null, event: string, at: Date): Promise<void> {
  await env.engine.db
    .insertInto('events')
    .values({ workspace_id: workspaceId, message_id: randomUUID(), type: 'track', event, contact_id: contactId, occurred_at: at })
    .execute();
}

export async function interaction(env: TestEnv, workspaceId: string, contactId: string, channel: string, direction: 'inbound' | 'outbound' | 'internal', at: Date) {
  await env.engine.db
    .insertInto('interactions')
    .values({ workspace_id: workspaceId, contact_id: contactId, channel, type: `${channel}.test`, direction, occurred_at: at, linked: '[]' })
    .execute();
}

export async function order(env: TestEnv, workspaceId: string, contactId: string, at: Date, status: 'ordered' | 'cancelled' = 'ordered') {
  await env.engine.db
    .insertInto('orders')
    .values({ workspace_id: workspaceId, contact_id: contactId, status, currency: 'EUR', total_minor: 1000, ordered_at: at })
    .execute();
}

export async function stats(env: TestEnv, workspaceId: string, contactId: string, s: { orderCount: number; totalMinor: number; lastOrderDaysAgo: number; sku?: string }) {
  await env.engine.db
    .insertInto('contact_order_stats')
    .values({
      contact_id: contactId,
      workspace_id: workspaceId,
      order_count: s.orderCount,
      total_minor: String(s.totalMinor) as never,
      avg_minor: String(Math.round(s.totalMinor / Math.max(1, s.orderCount))) as never,
      last_order_at: daysAgo(s.lastOrderDaysAgo),
      first_order_at: daysAgo(s.lastOrderDaysAgo + 100),
      favourite_sku: s.sku ?? null,
    })
    .execute();
}

export async function preview(c: Client, rule: unknown): Promise<{ status: number; body: any }> {
  return c.call('POST', '/api/v1/segments/preview', { rule });
}

/** Ids a rule selects, via the preview endpoint (sample is capped at 20: tests stay below). */
export async function selects(c: Client, rule: unknown): Promise<string[]> {
  const r = await preview(c, rule);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.count, r.body.sample.length);
  return r.body.sample.map((s: { id: string }) => s.id).sort();
}

export const sorted = (ids: string[]) => [...ids].sort();
