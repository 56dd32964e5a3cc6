import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { NotFound } from '../platform/errors.ts';
import { lockCustomerFigures, toNumber, toNumberOrNull, iso, workspaceSettings, type WorkspaceSettings } from './common.ts';
import { refreshFiguresStatement } from './figures-sql.ts';

// Contract used by contacts/ (the 360 view and merge) and the demo generator.
// The figures live in contact_order_stats and are rewritten by every order and payment write in
// the writer's transaction; readers never compute them. Definitions: see figures-sql.ts.

export interface OrderFigures {
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  orderCount: number;
  totalMinor: number;
  averageMinor: number;
  medianGapDays: number | null;
  favouriteProduct: { id: string | null; sku: string; name: string | null } | null;
  amountDueMinor: number;
  currency: string;
  payments: PaymentReliability;
}

/** How the customer pays (definitions in figures-sql.ts); the clock part is judged at read time. */
export interface PaymentReliability {
  /** Orders in the workspace currency paid in full, and of those, paid a whole day or more late. */
  settledOrders: number;
  lateOrders: number;
  /** Share of settled orders paid by their due date, 0–1; null before any order is settled. */
  onTimeShare: number | null;
  averageDaysLate: number | null;
  /** The earliest due date among orders not yet paid in full (may lie ahead). */
  oldestUnpaidDueAt: string | null;
  /** Whole days that due date has passed; 0 when nothing is past due. */
  daysOverdue: number;
  paymentTermsDays: number;
}

const DAY_MS = 86_400_000;

export function daysOverdue(unpaidDueAt: string | null, now = Date.now()): number {
  if (!unpaidDueAt) return 0;
  return Math.max(0, Math.floor((now - Date.parse(unpaidDueAt)) / DAY_MS));
}

/** The figures kept current on every order write; zeros for a customer who never ordered. */
export async function getOrderFigures(db: Executor, workspaceId: string, contactId: string): Promise<OrderFigures> {
  const row = await db
    .selectFrom('workspaces as w')
    .leftJoin('contact_order_stats as s', (j) => j.onRef('s.workspace_id', '=', 'w.id').on('s.contact_id', '=', contactId))
    .leftJoin('products as p', (j) => j.onRef('p.id', '=', 's.favourite_product_id').onRef('p.workspace_id', '=', 'w.id'))
    .select(ORDER_FIGURE_COLUMNS)
    .where('w.id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) throw new NotFound('Workspace');
  return orderFiguresOf(row);
}

/**
 * The columns the figures are read from, for any query that joins the workspace as `w`, the
 * customer's contact_order_stats as `s` and its favourite product as `p` (here and the 360 view).
 */
export const ORDER_FIGURE_COLUMNS = [
  'w.currency',
  's.first_order_at',
  's.last_order_at',
  's.order_count',
  's.total_minor',
  's.avg_minor',
  's.median_gap_days',
  's.favourite_product_id',
  's.favourite_sku',
  's.amount_due_minor',
  's.settled_orders',
  's.late_orders',
  's.days_late_avg',
  's.unpaid_due_at',
  'w.payment_terms_days',
  'p.sku as product_sku',
  'p.name as product_name',
] as const;

export interface OrderFiguresRow {
  currency: string;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  order_count: string | number | bigint | null;
  total_minor: string | number | bigint | null;
  avg_minor: string | number | bigint | null;
  median_gap_days: string | number | null;
  favourite_product_id: string | null;
  favourite_sku: string | null;
  amount_due_minor: string | number | bigint | null;
  settled_orders: number | null;
  late_orders: number | null;
  days_late_avg: string | number | null;
  unpaid_due_at: Date | string | null;
  payment_terms_days: number;
  product_sku: string | null;
  product_name: string | null;
}

/** The figures from a row of ORDER_FIGURE_COLUMNS; zeros where the customer never ordered. */
export function orderFiguresOf(row: OrderFiguresRow): OrderFigures {
  const sku = row.product_sku ?? row.favourite_sku;
  return {
    firstOrderAt: iso(row.first_order_at),
    lastOrderAt: iso(row.last_order_at),
    orderCount: toNumber(row.order_count),
    totalMinor: toNumber(row.total_minor),
    averageMinor: toNumber(row.avg_minor),
    medianGapDays: toNumberOrNull(row.median_gap_days),
    favouriteProduct: sku ? { id: row.favourite_product_id ?? null, sku, name: row.product_name ?? null } : null,
    amountDueMinor: toNumber(row.amount_due_minor),
    currency: row.currency,
    payments: paymentReliabilityOf(row),
  };
}

export function paymentReliabilityOf(row: Pick<OrderFiguresRow, 'settled_orders' | 'late_orders' | 'days_late_avg' | 'unpaid_due_at' | 'payment_terms_days'>): PaymentReliability {
  const settled = toNumber(row.settled_orders);
  const late = toNumber(row.late_orders);
  const unpaid = iso(row.unpaid_due_at);
  return {
    settledOrders: settled,
    lateOrders: late,
    onTimeShare: settled > 0 ? (settled - late) / settled : null,
    averageDaysLate: toNumberOrNull(row.days_late_avg),
    oldestUnpaidDueAt: unpaid,
    daysOverdue: daysOverdue(unpaid),
    paymentTermsDays: Number(row.payment_terms_days),
  };
}

/**
 * Rewrites the figures of the given customers from their orders and payments. Callers inside a
 * write path must already hold lockCustomerFigures for these ids (the order services do).
 */
export async function refreshOrderFigures(db: Executor, workspaceId: string, contactIds: string[], settings?: WorkspaceSettings): Promise<void> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return;
  await refreshFiguresStatement(workspaceId, settings ?? (await workspaceSettings(db, workspaceId)), ids).execute(db);
}

/** Moves every order, payment and complaint of `fromId` to `intoId` and recomputes the figures of both. */
export async function reassignOrdersOnMerge(db: Executor, workspaceId: string, fromId: string, intoId: string): Promise<void> {
  if (fromId === intoId) return;
  const found = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [fromId, intoId])
    .execute();
  if (found.length !== 2) throw new NotFound('Contact');
  await lockCustomerFigures(db, workspaceId, [fromId, intoId]);
  for (const table of ['orders', 'payments', 'complaints'] as const) {
    await db.updateTable(table).set({ contact_id: intoId }).where('workspace_id', '=', workspaceId).where('contact_id', '=', fromId).execute();
  }
  await refreshOrderFigures(db, workspaceId, [fromId, intoId]);
}

/**
 * Set-based recompute for every customer of a workspace (after bulk loads: import, demo data).
 * One statement; see figures-sql.ts. It runs in a transaction (the caller's, or its own) so that
 * two settings can be scoped to it: the planner's row estimate for the full join is far too high,
 * which triggers JIT compilation costing seconds for a query that runs once; and the sorts and
 * hashes over millions of orders need more than the default 4MB to stay off disk.
 */
export async function recomputeOrderFiguresForWorkspace(db: Executor, workspaceId: string): Promise<void> {
  const run = async (trx: Executor) => {
    const settings = await workspaceSettings(trx, workspaceId);
    await sql`set local jit = off`.execute(trx);
    await sql`set local work_mem = '64MB'`.execute(trx);
    await refreshFiguresStatement(workspaceId, settings, null).execute(trx);
  };
  if (db.isTransaction) await run(db);
  else await db.transaction().execute(run);
}
