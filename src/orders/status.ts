import { Conflict } from '../platform/errors.ts';
import type { OrderStatus } from './tables.ts';

/**
 * The order life cycle. An inquiry becomes an order; an order is delivered, then paid; goods come
 * back (returned) only once delivered; only what has not shipped can be cancelled. Returned and
 * cancelled are final: a new order is a new record.
 */
export const NEXT_STATUSES: Record<OrderStatus, readonly OrderStatus[]> = {
  inquiry: ['ordered', 'cancelled'],
  ordered: ['delivered', 'cancelled'],
  delivered: ['paid', 'returned'],
  paid: ['returned'],
  returned: [],
  cancelled: [],
};

/** Statuses whose orders are owed and counted in the figures. */
export const COUNTED_STATUSES: readonly OrderStatus[] = ['ordered', 'delivered', 'paid'];

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  const allowed = NEXT_STATUSES[from];
  if (allowed.includes(to)) return;
  const list = allowed.length ? allowed.join(', ') : 'none (final status)';
  throw new Conflict(`An order cannot go from ${from} to ${to}; allowed next: ${list}`, {
    status: [`Allowed next states from ${from}: ${list}`],
    allowedNext: [...allowed],
  });
}
