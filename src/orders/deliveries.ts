import { sql, type Selectable } from 'kysely';
import type { AuthContext, Executor } from '../platform/http.ts';
import { NotFound } from '../platform/errors.ts';
import type { OrdersTables } from './tables.ts';
import { iso } from './common.ts';
import { orderLabel, recordOnTimeline } from './timeline-entry.ts';
import type { DeliveryInput, DeliveryPatch } from './schema.ts';

type DeliveryRow = Selectable<OrdersTables['deliveries']>;

export interface Delivery {
  id: string;
  orderId: string;
  status: DeliveryRow['status'];
  carrier: string | null;
  trackingCode: string | null;
  problem: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function deliveryOut(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    orderId: r.order_id,
    status: r.status,
    carrier: r.carrier,
    trackingCode: r.tracking_code,
    problem: r.problem,
    shippedAt: iso(r.shipped_at),
    deliveredAt: iso(r.delivered_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

async function orderOf(db: Executor, workspaceId: string, orderId: string) {
  const order = await db
    .selectFrom('orders')
    .select(['id', 'contact_id', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order) throw new NotFound('Order');
  return order;
}

function describe(d: DeliveryRow, label: string, problemChanged: boolean): { type: string; summary: string } {
  if (problemChanged && d.problem) return { type: 'delivery.problem', summary: `Delivery problem on order ${label}: ${d.problem}` };
  const via = [d.carrier, d.tracking_code].filter(Boolean).join(' ');
  return { type: `delivery.${d.status}`, summary: `Delivery for order ${label}: ${d.status}${via ? ` (${via})` : ''}` };
}

/**
 * Shipment tracking beside the order. Delivery status does not move the order's status: the
 * shop decides when an order counts as delivered, and a failed first attempt is not a return.
 */
export async function createDelivery(db: Executor, auth: AuthContext, orderId: string, input: DeliveryInput): Promise<Delivery> {
  const ws = auth.workspaceId;
  const order = await orderOf(db, ws, orderId);
  const now = new Date();
  const row = await db
    .insertInto('deliveries')
    .values({
      workspace_id: ws,
      order_id: order.id,
      status: input.status,
      carrier: input.carrier ?? null,
      tracking_code: input.trackingCode ?? null,
      problem: input.problem ?? null,
      shipped_at: input.shippedAt ?? (input.status === 'shipped' ? now : null),
      delivered_at: input.deliveredAt ?? (input.status === 'delivered' ? now : null),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { type, summary } = describe(row, orderLabel(order), Boolean(row.problem));
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId: order.contact_id,
    channel: 'delivery',
    type,
    direction: 'outbound',
    summary,
    ref: { type: 'delivery', id: row.id },
    linked: [{ type: 'order', id: order.id }],
    authorUserId: auth.userId,
  });
  return deliveryOut(row);
}

export async function updateDelivery(
  db: Executor,
  auth: AuthContext,
  id: string,
  patch: DeliveryPatch,
): Promise<{ before: Delivery; after: Delivery }> {
  const ws = auth.workspaceId;
  const current = await db.selectFrom('deliveries').selectAll().where('workspace_id', '=', ws).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new NotFound('Delivery');
  const order = await orderOf(db, ws, current.order_id);
  const status = patch.status ?? current.status;
  const row = await db
    .updateTable('deliveries')
    .set({
      status,
      ...(patch.carrier !== undefined ? { carrier: patch.carrier } : {}),
      ...(patch.trackingCode !== undefined ? { tracking_code: patch.trackingCode } : {}),
      ...(patch.problem !== undefined ? { problem: patch.problem } : {}),
      shipped_at: patch.shippedAt !== undefined ? patch.shippedAt : (current.shipped_at ?? (status === 'shipped' ? new Date() : null)),
      delivered_at: patch.deliveredAt !== undefined ? patch.deliveredAt : (current.delivered_at ?? (status === 'delivered' ? new Date() : null)),
      updated_at: sql`now()`,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const problemChanged = patch.problem !== undefined && patch.problem !== current.problem;
  const { type, summary } = describe(row, orderLabel(order), problemChanged);
  await recordOnTimeline(db, {
    workspaceId: ws,
    contactId: order.contact_id,
    channel: 'delivery',
    type,
    direction: 'outbound',
    summary,
    ref: { type: 'delivery', id: row.id },
    linked: [{ type: 'order', id: order.id }],
    authorUserId: auth.userId,
  });
  return { before: deliveryOut(current), after: deliveryOut(row) };
}
