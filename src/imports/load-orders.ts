import { randomUUID } from 'node:crypto';
import type { BatchTx } from './batch-db.ts';
import { copyLine } from './batch-db.ts';
import { loadContactBatch } from './load-contacts.ts';
import { dedupeRows, type Rejection } from './validate-contacts.ts';
import type { OrderLineRow } from './validate-orders.ts';

// Set-based upsert of one batch of order lines. The order number (external_id) is the order's
// identity: an existing order is updated where its header differs, and its lines are matched by
// (sku, unit price), so importing the same file again changes nothing. Customers are found by
// e-mail, phone or customer id, or created (never overwritten) when none matches.

export interface OrderBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  customersCreated: number;
  productsCreated: number;
  rejections: Rejection[];
}

interface OrderGroup {
  key: string;
  head: OrderLineRow;
  lines: Map<string, { sku: string; name: string | null; quantity: number; unitPriceMinor: number }>;
  rows: number[];
}

/** Lines of one order with the same SKU and unit price are one line with the quantities added. */
export function groupOrders(rows: OrderLineRow[]): OrderGroup[] {
  const byKey = new Map<string, OrderGroup>();
  for (const r of rows) {
    let g = byKey.get(r.externalId);
    if (!g) {
      g = { key: r.externalId, head: r, lines: new Map(), rows: [] };
      byKey.set(r.externalId, g);
    }
    g.rows.push(r.line);
    if (r.sku !== null) {
      const lk = `${r.sku}\u0000${r.unitPriceMinor}`;
      const l = g.lines.get(lk);
      if (l) {
        l.quantity += r.quantity;
        l.name ??= r.productName;
      } else g.lines.set(lk, { sku: r.sku, name: r.productName, quantity: r.quantity, unitPriceMinor: r.unitPriceMinor });
    }
  }
  return [...byKey.values()];
}

export async function loadOrderBatch(
  tx: BatchTx,
  opts: { workspaceId: string; rows: OrderLineRow[]; rawOf: (line: number) => string },
): Promise<OrderBatchResult> {
  const ws = opts.workspaceId;
  const out: OrderBatchResult = { created: 0, updated: 0, unchanged: 0, duplicates: 0, customersCreated: 0, productsCreated: 0, rejections: [] };
  const orders = groupOrders(opts.rows);
  if (orders.length === 0) return out;

  // Customers first: one per distinct identity, linked or created.
  const customers = dedupeRows('people', orders.map((o) => ({ ...o.head.customer, lines: [...o.rows] })));
  const c = await loadContactBatch(tx, {
    workspaceId: ws,
    kind: 'people',
    groups: customers.groups,
    updateExisting: false,
    returnIds: true,
    rawOf: opts.rawOf,
  });
  out.customersCreated = c.created;
  out.rejections.push(...c.rejections);

  let orderData = '';
  let lineData = '';
  let staged = 0;
  orders.forEach((o, k) => {
    const contactId = c.ids.get(customers.groupOf[k]);
    if (!contactId) return; // its customer was refused; the rows are already in the rejections
    staged++;
    const h = o.head;
    // Like the order date and status, the due date is the order's: its first line gives it.
    orderData += copyLine([k, randomUUID(), o.key, contactId, h.orderedAt, h.dueAt ?? null, h.dueAt !== undefined, h.status, h.currency]);
    for (const l of o.lines.values()) lineData += copyLine([k, l.sku, l.name, l.quantity, l.unitPriceMinor]);
  });
  if (staged === 0) return out;

  // Made once per connection and emptied at each commit, as the contacts' stage (load-contacts.ts):
  // creating and dropping them per batch wrote the catalog twice per batch.
  await tx.query(`create temp table if not exists import_orders (k int primary key, id uuid not null, ext text not null, contact_id uuid not null,
    ordered_at timestamptz not null, due_at timestamptz, due_given boolean not null, status text not null, currency text not null,
    order_id uuid) on commit delete rows`);
  await tx.query(`create temp table if not exists import_lines (k int not null, sku text not null, name text, quantity int not null,
    unit_price bigint not null, product_id uuid) on commit delete rows`);
  await tx.copyIn('import_orders', ['k', 'id', 'ext', 'contact_id', 'ordered_at', 'due_at', 'due_given', 'status', 'currency'], orderData);
  await tx.copyIn('import_lines', ['k', 'sku', 'name', 'quantity', 'unit_price'], lineData);

  await tx.query(
    `update import_orders s set order_id = (select o.id from orders o where o.workspace_id = $1::uuid and o.external_id = s.ext)`,
    [ws],
  );
  const products = await tx.query(
    `insert into products (workspace_id, sku, name, price_minor, currency)
     select distinct on (l.sku) $1::uuid, l.sku, coalesce(l.name, l.sku), l.unit_price, s.currency
       from import_lines l join import_orders s on s.k = l.k
      where not exists (select 1 from products p where p.workspace_id = $1::uuid and p.sku = l.sku)
      order by l.sku, l.k
     on conflict (workspace_id, sku) do nothing`,
    [ws],
  );
  out.productsCreated = products.rowCount;
  await tx.query(
    `update import_lines l set product_id = p.id, name = coalesce(l.name, p.name)
       from products p where p.workspace_id = $1::uuid and p.sku = l.sku`,
    [ws],
  );

  const existing = await tx.query<{ n: number }>('select count(*)::int as n from import_orders where order_id is not null');
  const created = await tx.query(
    `insert into orders (id, workspace_id, contact_id, external_id, status, currency, ordered_at, due_at, total_minor)
     select id, $1::uuid, contact_id, ext, status, currency, ordered_at, due_at, 0 from import_orders where order_id is null`,
    [ws],
  );
  out.created = created.rowCount;
  await tx.query('update import_orders set order_id = id where order_id is null');

  const changed = new Set<string>();
  const collect = (rows: Array<{ id: string }>) => rows.forEach((r) => changed.add(r.id));
  collect(
    (
      await tx.query<{ id: string }>(
        // A file without a due-date column leaves the order's own due date (set through the API) alone.
        `update orders o set contact_id = s.contact_id, status = s.status, currency = s.currency, ordered_at = s.ordered_at,
                due_at = case when s.due_given then s.due_at else o.due_at end, updated_at = now()
           from import_orders s
          where o.id = s.order_id and s.order_id <> s.id and o.workspace_id = $1::uuid
            and (o.contact_id, o.status, o.currency, o.ordered_at, o.due_at)
                is distinct from (s.contact_id, s.status, s.currency, s.ordered_at, case when s.due_given then s.due_at else o.due_at end)
          returning o.id::text as id`,
        [ws],
      )
    ).rows,
  );
  collect(
    (
      await tx.query<{ id: string }>(
        `update order_lines ol set quantity = l.quantity, line_total_minor = l.quantity * l.unit_price,
                product_id = coalesce(l.product_id, ol.product_id)
           from import_lines l join import_orders s on s.k = l.k
          where ol.order_id = s.order_id and ol.workspace_id = $1::uuid and ol.sku = l.sku and ol.unit_price_minor = l.unit_price
            and ol.quantity <> l.quantity
          returning ol.order_id::text as id`,
        [ws],
      )
    ).rows,
  );
  collect(
    (
      await tx.query<{ id: string }>(
        `with ins as (
           insert into order_lines (workspace_id, order_id, product_id, sku, name, quantity, unit_price_minor, line_total_minor)
           select $1::uuid, s.order_id, l.product_id, l.sku, coalesce(l.name, l.sku), l.quantity, l.unit_price, l.quantity * l.unit_price
             from import_lines l join import_orders s on s.k = l.k
            where not exists (select 1 from order_lines ol where ol.order_id = s.order_id and ol.sku = l.sku and ol.unit_price_minor = l.unit_price)
           returning order_id)
         -- lines of a brand-new order are part of its creation, not an update
         select distinct ins.order_id::text as id from ins join import_orders s on s.order_id = ins.order_id and s.order_id <> s.id`,
        [ws],
      )
    ).rows,
  );
  await tx.query(
    `update orders o set total_minor = t.total
       from import_orders s
       cross join lateral (select coalesce(sum(ol.line_total_minor), 0) as total from order_lines ol
                            where ol.order_id = s.order_id and ol.workspace_id = $1::uuid offset 0) t
      where o.id = s.order_id and o.workspace_id = $1::uuid and o.total_minor <> t.total`,
    [ws],
  );
  // New orders land on the customer's timeline like orders placed through the API.
  await tx.query(
    `insert into interactions (workspace_id, contact_id, channel, type, direction, occurred_at, summary, ref_type, ref_id)
     select $1::uuid, contact_id, 'order', 'order.placed', 'inbound', ordered_at, 'Order ' || ext, 'order', id::text
       from import_orders where order_id = id`,
    [ws],
  );

  out.updated = changed.size;
  out.unchanged = Number(existing.rows[0]?.n ?? 0) - changed.size;
  return out;
}
