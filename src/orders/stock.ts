import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import type { OrderStatus } from './tables.ts';

// Orders placed through the API keep product stock current (docs/decisions/0023-orders-keep-stock.md).

/**
 * Statuses in which the order's goods are out of stock: promised to the customer or with them.
 * An inquiry has promised nothing yet; cancelled and returned goods are back on the shelf. This
 * happens to equal COUNTED_STATUSES today, but it answers another question (what is on the shelf,
 * not what is owed), so the two are kept apart.
 */
export const HOLDS_GOODS: readonly OrderStatus[] = ['ordered', 'delivered', 'paid'];

export type StockMove = 'take' | 'give back' | 'none';

/** What a move from one status to another does to stock; `from` null is a new order. */
export function stockMove(from: OrderStatus | null, to: OrderStatus): StockMove {
  const held = from !== null && HOLDS_GOODS.includes(from);
  const holds = HOLDS_GOODS.includes(to);
  if (held === holds) return 'none';
  return holds ? 'take' : 'give back';
}

/**
 * Takes an order's quantities out of (or puts them back into) the stock of its tracked products.
 *
 * One UPDATE computes the new count in SQL, never in JS: a concurrent order of the same product
 * waits on the row lock and then subtracts from the committed count (READ COMMITTED re-reads the
 * row), so no order is lost. The `locked` CTE takes the row locks in product-id order first,
 * because an UPDATE … FROM locks rows in whatever order the plan visits them, and two orders
 * naming the same two products in opposite line order would otherwise deadlock. Quantities of one
 * product on several lines are summed, since UPDATE … FROM applies only one joined row per target.
 * Untracked products (stock null) are left out and stay null. Stock may go below zero: an order
 * is never refused for want of stock (oversold is shown as a negative count).
 */
export async function moveStock(db: Executor, workspaceId: string, orderId: string, move: StockMove): Promise<void> {
  if (move === 'none') return;
  const op = sql.raw(move === 'take' ? '-' : '+');
  try {
    await sql`
      with delta as (
        select product_id, sum(quantity)::bigint as qty
          from order_lines
         where workspace_id = ${workspaceId} and order_id = ${orderId} and product_id is not null
         group by product_id
      ), locked as materialized (
        select p.id, d.qty
          from products p join delta d on d.product_id = p.id
         where p.workspace_id = ${workspaceId} and p.stock is not null
         order by p.id
           for no key update of p
      )
      update products p set stock = p.stock ${op} l.qty
        from locked l
       where p.id = l.id and p.workspace_id = ${workspaceId}`.execute(db);
  } catch (err) {
    // int4 overflow: only reachable by a count pushed near ±2^31, which no shop holds. Refused as
    // a client error so the whole request rolls back instead of answering 500.
    if ((err as { code?: string })?.code === '22003') {
      throw ValidationError.field('lines', 'This order would take a product\'s stock beyond the range a count can hold');
    }
    throw err;
  }
}
