import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { decodeCursor, encodeCursor } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import { cursorTime, iso, toNumber, UUID, workspaceSettings, type Page } from './common.ts';
import { paymentReliabilityOf, type PaymentReliability } from './figures.ts';

export interface Receivable {
  contactId: string;
  name: string;
  amountDueMinor: number;
  totalMinor: number;
  orderCount: number;
  lastOrderAt: string | null;
  currency: string;
  payments: PaymentReliability;
}

/** The overdue order's keyset time, to the microsecond as cursorTime prints it. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Customers who owe money. Reads the figures kept by the write path (amount due = counted orders'
 * totals minus payments, workspace currency, floored at 0).
 *   sort=amount:  largest debt first, keyset on (amount_due_minor desc, contact_id desc) over the
 *                 partial index contact_order_stats_due.
 *   sort=overdue: only customers whose oldest unpaid order is past due, longest overdue first,
 *                 keyset on (unpaid_due_at, contact_id) over contact_order_stats_unpaid.
 *   ownerId:      only the customers that user owns.
 */
export async function listReceivables(
  db: Executor,
  workspaceId: string,
  q: { sort?: 'amount' | 'overdue'; ownerId?: string; cursor?: string; limit: number },
): Promise<Page<Receivable>> {
  const overdue = q.sort === 'overdue';
  const after = decodeCursor(q.cursor, 2);
  const firstOk = overdue ? CURSOR_TIME : /^\d{1,19}$/;
  if (after && (typeof after[0] !== 'string' || !firstOk.test(after[0]) || typeof after[1] !== 'string' || !UUID.test(after[1]))) {
    throw ValidationError.field('query.cursor', 'Invalid cursor');
  }
  const { currency, paymentTermsDays } = await workspaceSettings(db, workspaceId);
  let query = db
    .selectFrom('contact_order_stats as s')
    .innerJoin('contacts as c', (j) => j.onRef('c.id', '=', 's.contact_id').onRef('c.workspace_id', '=', 's.workspace_id'))
    .select(['s.contact_id', 'c.name', 's.amount_due_minor', 's.total_minor', 's.order_count', 's.last_order_at'])
    .select(['s.settled_orders', 's.late_orders', 's.days_late_avg', 's.unpaid_due_at', cursorTime('s.unpaid_due_at').as('due_cursor')])
    .where('s.workspace_id', '=', workspaceId);
  // Debtors are few next to customers: the owner is a filter on them, not an index of its own.
  if (q.ownerId) query = query.where('c.owner_id', '=', q.ownerId);
  if (overdue) {
    query = query.where('s.unpaid_due_at', 'is not', null).where(sql<boolean>`s.unpaid_due_at < now()`);
    if (after) query = query.where(sql<boolean>`(s.unpaid_due_at, s.contact_id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    query = query.orderBy('s.unpaid_due_at').orderBy('s.contact_id');
  } else {
    query = query.where('s.amount_due_minor', '>', 0);
    if (after) query = query.where(sql<boolean>`(s.amount_due_minor, s.contact_id) < (${after[0]}::bigint, ${after[1]}::uuid)`);
    query = query.orderBy('s.amount_due_minor', 'desc').orderBy('s.contact_id', 'desc');
  }
  const rows = await query.limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const cursorOf = (r: (typeof rows)[number]) => encodeCursor([overdue ? r.due_cursor : String(r.amount_due_minor), r.contact_id]);
  return {
    items: page.map((r) => ({
      contactId: r.contact_id,
      name: r.name,
      amountDueMinor: toNumber(r.amount_due_minor),
      totalMinor: toNumber(r.total_minor),
      orderCount: toNumber(r.order_count),
      lastOrderAt: iso(r.last_order_at),
      currency,
      payments: paymentReliabilityOf({ ...r, payment_terms_days: paymentTermsDays }),
    })),
    nextCursor: rows.length > q.limit && last ? cursorOf(last) : null,
  };
}
