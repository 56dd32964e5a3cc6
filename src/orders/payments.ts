import { sql, type Selectable } from 'kysely';
import type { AuthContext, Executor } from '../platform/http.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { OrdersTables } from './tables.ts';
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
import { orderLabel, recordOnTimeline } from './timeline-entry.ts';
import type { CreatePaymentInput } from './schema.ts';

type PaymentRow = Selectable<OrdersTables['payments']>;

export interface Payment {
  id: string;
  contactId: string;
  orderId: string | null;
  amountMinor: number;
  currency: string;
  method: string | null;
  externalId: string | null;
  paidAt: string;
  createdAt: string;
}

export function paymentOut(r: PaymentRow): Payment {
  return {
    id: r.id,
    contactId: r.contact_id,
    orderId: r.order_id,
    amountMinor: toNumber(r.amount_minor),
    currency: r.currency,
    method: r.method,
    externalId: r.external_id,
    paidAt: iso(r.paid_at)!,
    createdAt: iso(r.created_at)!,
  };
}

/**
 * Records money received. A payment names the customer, an order of theirs, or both (they must
 * agree). It lowers the customer's amount due whatever order it names: receivables are per
 * customer, not per order. A payment does not change the order's status; the shop says "paid".
 */
export async function createPayment(db: Executor, auth: AuthContext, input: CreatePaymentInput): Promise<Payment> {
  const ws = auth.workspaceId;
  const settings = await workspaceSettings(db, ws);
  let order: { id: string; contact_id: string; external_id: string | null; currency: string } | undefined;
  if (input.orderId) {
    order = await db
      .selectFrom('orders')
      .select(['id', 'contact_id', 'external_id', 'currency'])
      .where('workspace_id', '=', ws)
      .where('id', '=', input.orderId)
      .executeTakeFirst();
    if (!order) throw new NotFound('Order');
  }
  const contactId = input.contactId ? await resolveContact(db, ws, { contactId: input.contactId }, settings) : order!.contact_id;
  if (order && order.contact_id !== contactId) {
    throw ValidationError.field('orderId', 'The order belongs to another customer');
  }
  await lockCustomerFigures(db, ws, [contactId]);
  if (input.externalId !== undefined) {
    const existing = await db
      .selectFrom('payments')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('external_id', '=', input.externalId)
      .executeTakeFirst();
    if (existing) throw new Conflict(`Payment ${input.externalId} already recorded (id ${existing.id})`, { externalId: ['Already used by another payment'] });
  }
  const currency = input.currency ?? order?.currency ?? settings.currency;
  const paidAt = input.paidAt ?? new Date();
  const row = await db
    .insertInto('payments')
    .values({
      workspace_id: ws,
      contact_id: contactId,
      order_id: order?.id ?? null,
      amount_minor: input.amountMinor,
      currency,
      method: input.method ?? null,
      external_id: input.externalId ?? null,
      paid_at: paidAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await refreshOrderFigures(db, ws, [contactId], settings);
  const via = input.method ? ` by ${input.method}` : '';
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId,
    channel: 'payment',
    type: 'payment.received',
    direction: 'inbound',
    occurredAt: new Date(paidAt),
    summary: `Payment of ${formatMoney(input.amountMinor, currency)} received${via}${order ? ` for order ${orderLabel(order)}` : ''}`,
    ref: { type: 'payment', id: row.id },
    linked: order ? [{ type: 'order', id: order.id }] : [],
    authorUserId: auth.userId,
  });
  return paymentOut(row);
}

export async function listPayments(
  db: Executor,
  workspaceId: string,
  q: { contactId?: string; orderId?: string; cursor?: string; limit: number },
): Promise<Page<Payment>> {
  const after = readTimeCursor(q.cursor);
  let query = db.selectFrom('payments').selectAll().select(cursorTime('paid_at').as('cursor_at')).where('workspace_id', '=', workspaceId);
  if (q.contactId) query = query.where('contact_id', '=', q.contactId);
  if (q.orderId) query = query.where('order_id', '=', q.orderId);
  if (after) query = query.where(sql<boolean>`(paid_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const rows = await query.orderBy('paid_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(paymentOut), nextCursor: rows.length > q.limit && last ? timeCursor(last.cursor_at, last.id) : null };
}
