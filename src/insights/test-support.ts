import { pino } from 'pino';
import type { Engine } from '../platform/db.ts';
import type { Executor } from '../platform/http.ts';
import { createPerson } from '../orders/test-fixtures.ts';
import { refreshOrderFigures } from '../orders/figures.ts';
import { insightsJobHandlers } from './jobs.ts';

// Test helpers for insights: customers with a hand-written order history, and running a queued
// insights job in-process (tests must not pick up other tests' jobs through the shared queue).

const DAY = 86_400_000;

export interface PastOrder {
  daysAgo: number;
  totalMinor: number;
}

export async function customerWithOrders(db: Executor, workspaceId: string, name: string, orders: PastOrder[], ownerId?: string): Promise<string> {
  const id = await createPerson(db, workspaceId, { name });
  if (ownerId) await db.updateTable('contacts').set({ owner_id: ownerId }).where('id', '=', id).execute();
  if (orders.length) {
    const now = Date.now();
    await db
      .insertInto('orders')
      .values(orders.map((o) => ({ workspace_id: workspaceId, contact_id: id, status: 'paid' as const, currency: 'EUR', total_minor: o.totalMinor, ordered_at: new Date(now - o.daysAgo * DAY) })))
      .execute();
    await refreshOrderFigures(db, workspaceId, [id]);
  }
  return id;
}

/** `count` orders `every` days apart, the latest `lastDaysAgo` days ago, each of `totalMinor`. */
export function regular(count: number, every: number, lastDaysAgo: number, totalMinor: number | ((i: number) => number)): PastOrder[] {
  return Array.from({ length: count }, (_, i) => ({
    daysAgo: lastDaysAgo + (count - 1 - i) * every,
    totalMinor: typeof totalMinor === 'function' ? totalMinor(i) : totalMinor,
  }));
}

export async function runInsightsJob(engine: Engine, jobId: string): Promise<any> {
  const job = await engine.db.selectFrom('jobs').select(['id', 'workspace_id', 'kind', 'payload', 'attempts', 'created_by']).where('id', '=', jobId).executeTakeFirstOrThrow();
  const handler = insightsJobHandlers[job.kind];
  if (!handler) throw new Error(`not an insights job: ${job.kind}`);
  const result = await handler(job as any, { engine, log: pino({ level: 'silent' }), progress: async () => {} });
  await engine.db.updateTable('jobs').set({ state: 'succeeded', result: JSON.stringify(result ?? null), finished_at: new Date() }).where('id', '=', jobId).execute();
  return result;
}

/** A tiny HTTP client bound to one caller. */
export function api(app: import('fastify').FastifyInstance, headers: Record<string, string> = {}) {
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
  };
}
