import { sql, type Selectable } from 'kysely';
import type { AuthContext, Executor } from '../platform/http.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { OrdersTables, OrderStatus } from './tables.ts';
import {
  cursorTime,
  formatMoney,
  iso,
  lockCustomerFigures,
  readTimeCursor,
  resolveContact,
  timeCursor,
  toNumber,
  workspaceSettings,
  type Page,
} from './common.ts';
import { refreshOrderFigures } from './figures.ts';
import { resolveLines } from './order-lines.ts';
import { assertTransition, NEXT_STATUSES } from './status.ts';
import { moveStock, stockMove } from './stock.ts';
import { orderLabel, recordOnTimeline } from './timeline-entry.ts';
import { DUE_BEFORE_ORDER, dueBeforeOrderDay, type CreateOrderInput } from './schema.ts';
import { deliveryOut, type Delivery } from './deliveries.ts';
import { paymentOut, type Payment } from './payments.ts';

type OrderRow = Selectable<OrdersTables['orders']>;

export interface OrderSummary {
  id: string;
  contactId: string;
  externalId: string | null;
  status: OrderStatus;
  currency: string;
  totalMinor: number;
  orderedAt: string;
  /** The order's own due date; null: orderedAt + the workspace's payment terms. */
  dueAt: string | null;
  /** False for imported and demo orders: their status changes leave product stock alone. */
  movesStock: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OrderLine {
  id: string;
  productId: string | null;
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

export interface OrderDetail extends OrderSummary {
  allowedNextStatuses: OrderStatus[];
  lines: OrderLine[];
  payments: Payment[];
  deliveries: Delivery[];
}

export function orderOut(r: OrderRow): OrderSummary {
  return {
    id: r.id,
    contactId: r.contact_id,
    externalId: r.external_id,
    status: r.status,
    currency: r.currency,
    totalMinor: toNumber(r.total_minor),
    orderedAt: iso(r.ordered_at)!,
    dueAt: iso(r.due_at),
    movesStock: r.moves_stock,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

async function findOrder(db: Executor, workspaceId: string, id: string, lock = false): Promise<OrderRow> {
  let q = db.selectFrom('orders').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFound('Order');
  return row;
}

export async function createOrder(db: Executor, auth: AuthContext, input: CreateOrderInput): Promise<OrderDetail> {
  const ws = auth.workspaceId;
  const settings = await workspaceSettings(db, ws);
  const contactId = await resolveContact(db, ws, input, settings);
  await lockCustomerFigures(db, ws, [contactId]);
  if (input.externalId !== undefined) {
    const existing = await db
      .selectFrom('orders')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('external_id', '=', input.externalId)
      .executeTakeFirst();
    if (existing) {
      throw new Conflict(`Order ${input.externalId} already exists (id ${existing.id})`, { externalId: ['Already used by another order'] });
    }
  }
  const currency = input.currency ?? settings.currency;
  const { lines, totalMinor } = await resolveLines(db, ws, input.lines, currency);
  // The client's text goes to PostgreSQL as is: a JS Date would drop microseconds.
  const orderedAt = input.orderedAt ?? new Date();
  const order = await db
    .insertInto('orders')
    .values({
      workspace_id: ws,
      contact_id: contactId,
      external_id: input.externalId ?? null,
      status: input.status,
      currency,
      total_minor: totalMinor,
      ordered_at: orderedAt,
      due_at: input.dueAt ?? null,
      moves_stock: true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('order_lines')
    .values(
      lines.map((l) => ({
        workspace_id: ws,
        order_id: order.id,
        product_id: l.productId,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unit_price_minor: l.unitPriceMinor,
        line_total_minor: l.lineTotalMinor,
      })),
    )
    .execute();
  await moveStock(db, ws, order.id, stockMove(null, input.status));
  await refreshOrderFigures(db, ws, [contactId], settings);
  const items = lines.reduce((n, l) => n + l.quantity, 0);
  const what = input.status === 'inquiry' ? 'Inquiry' : 'Order';
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId,
    channel: 'order',
    type: input.status === 'inquiry' ? 'order.inquiry' : 'order.placed',
    direction: 'inbound',
    occurredAt: new Date(orderedAt),
    summary: `${what} ${orderLabel(order)}: ${items} item${items === 1 ? '' : 's'}, ${formatMoney(totalMinor, currency)} (${input.status})`,
    ref: { type: 'order', id: order.id },
    authorUserId: auth.userId,
  });
  return getOrder(db, ws, order.id);
}

export async function getOrder(db: Executor, workspaceId: string, id: string): Promise<OrderDetail> {
  const order = await findOrder(db, workspaceId, id);
  const [lines, payments, deliveries] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('workspace_id', '=', workspaceId).where('order_id', '=', id).orderBy('id').execute(),
    db.selectFrom('payments').selectAll().where('workspace_id', '=', workspaceId).where('order_id', '=', id).orderBy('paid_at').orderBy('id').execute(),
    db.selectFrom('deliveries').selectAll().where('workspace_id', '=', workspaceId).where('order_id', '=', id).orderBy('created_at').orderBy('id').execute(),
  ]);
  return {
    ...orderOut(order),
    allowedNextStatuses: [...NEXT_STATUSES[order.status]],
    lines: lines.map((l) => ({
      id: l.id,
      productId: l.product_id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: toNumber(l.unit_price_minor),
      lineTotalMinor: toNumber(l.line_total_minor),
    })),
    payments: payments.map(paymentOut),
    deliveries: deliveries.map(deliveryOut),
  };
}

/** Newest first by (ordered_at, id): served by orders_ws_time, or orders_contact for one customer. */
export async function listOrders(
  db: Executor,
  workspaceId: string,
  q: { contactId?: string; status?: OrderStatus; cursor?: string; limit: number },
): Promise<Page<OrderSummary>> {
  const after = readTimeCursor(q.cursor);
  let query = db
    .selectFrom('orders')
    .selectAll()
    .select(cursorTime('ordered_at').as('cursor_at'))
    .where('workspace_id', '=', workspaceId);
  if (q.contactId) query = query.where('contact_id', '=', q.contactId);
  if (q.status) query = query.where('status', '=', q.status);
  if (after) query = query.where(sql<boolean>`(ordered_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const rows = await query.orderBy('ordered_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(orderOut), nextCursor: rows.length > q.limit && last ? timeCursor(last.cursor_at, last.id) : null };
}

/** Agreed other terms with the customer: the order falls due then, and their payment figures follow. */
export async function changeOrderDueDate(db: Executor, auth: AuthContext, id: string, dueAt: string | null): Promise<{ before: OrderSummary; after: OrderDetail }> {
  const ws = auth.workspaceId;
  const peek = await findOrder(db, ws, id);
  await lockCustomerFigures(db, ws, [peek.contact_id]);
  const order = await findOrder(db, ws, id, true);
  if (dueAt !== null && dueBeforeOrderDay(dueAt, order.ordered_at)) {
    throw ValidationError.field('dueAt', DUE_BEFORE_ORDER);
  }
  await db.updateTable('orders').set({ due_at: dueAt, updated_at: sql`now()` }).where('workspace_id', '=', ws).where('id', '=', id).execute();
  await refreshOrderFigures(db, ws, [order.contact_id]);
  return { before: orderOut(order), after: await getOrder(db, ws, id) };
}

export async function changeOrderStatus(
  db: Executor,
  auth: AuthContext,
  id: string,
  to: OrderStatus,
): Promise<{ before: OrderSummary; after: OrderDetail }> {
  const ws = auth.workspaceId;
  const peek = await findOrder(db, ws, id);
  await lockCustomerFigures(db, ws, [peek.contact_id]);
  // Re-read under the row lock: a concurrent change may have moved the order meanwhile.
  const order = await findOrder(db, ws, id, true);
  assertTransition(order.status, to);
  await db.updateTable('orders').set({ status: to, updated_at: sql`now()` }).where('workspace_id', '=', ws).where('id', '=', id).execute();
  if (order.moves_stock) await moveStock(db, ws, id, stockMove(order.status, to));
  await refreshOrderFigures(db, ws, [order.contact_id]);
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId: order.contact_id,
    channel: 'order',
    type: `order.${to}`,
    summary: `Order ${orderLabel(order)}: ${order.status} → ${to}`,
    ref: { type: 'order', id },
    authorUserId: auth.userId,
  });
  return { before: orderOut(order), after: await getOrder(db, ws, id) };
}
