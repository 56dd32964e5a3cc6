import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { decodeCursor, encodeCursor } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import { iso, toNumber, UUID, workspaceSettings, type Page } from './common.ts';

export interface Receivable {
  contactId: string;
  name: string;
  amountDueMinor: number;
  totalMinor: number;
  orderCount: number;
  lastOrderAt: string | null;
  currency: string;
}

/**
 * Customers who owe money, largest debt first. Reads the figures kept by the write path
 * (amount due = counted orders' totals minus payments, workspace currency, floored at 0), keyset on
 * (amount_due_minor desc, contact_id desc) over the partial index contact_order_stats_due.
 */
export async function listReceivables(db: Executor, workspaceId: string, q: { cursor?: string; limit: number }): Promise<Page<Receivable>> {
  const after = decodeCursor(q.cursor, 2);
  if (after && (typeof after[0] !== 'string' || !/^\d{1,19}$/.test(after[0]) || typeof after[1] !== 'string' || !UUID.test(after[1]))) {
    throw ValidationError.field('query.cursor', 'Invalid cursor');
  }
  const { currency } = await workspaceSettings(db, workspaceId);
  let query = db
    .selectFrom('contact_order_stats as s')
    .innerJoin('contacts as c', (j) => j.onRef('c.id', '=', 's.contact_id').onRef('c.workspace_id', '=', 's.workspace_id'))
    .select(['s.contact_id', 'c.name', 's.amount_due_minor', 's.total_minor', 's.order_count', 's.last_order_at'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.amount_due_minor', '>', 0);
  if (after) {
    query = query.where(sql<boolean>`(s.amount_due_minor, s.contact_id) < (${after[0]}::bigint, ${after[1]}::uuid)`);
  }
  const rows = await query.orderBy('s.amount_due_minor', 'desc').orderBy('s.contact_id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      contactId: r.contact_id,
      name: r.name,
      amountDueMinor: toNumber(r.amount_due_minor),
      totalMinor: toNumber(r.total_minor),
      orderCount: toNumber(r.order_count),
      lastOrderAt: iso(r.last_order_at),
      currency,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor([String(last.amount_due_minor), last.contact_id]) : null,
  };
}
