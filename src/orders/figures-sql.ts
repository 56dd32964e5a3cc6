import { sql, type RawBuilder } from 'kysely';

/*
 * The order figures of a customer, defined once, as one SQL statement. The same statement
 * serves both paths:
 *   - per write (scope = the one or two customers touched), inside the writing transaction,
 *     where every base scan goes through orders_contact / order_lines_order / payments_contact;
 *   - per workspace after bulk loads (scope = null): hash aggregates and one sort over the
 *     workspace's orders, no per-customer round trips, so 1,000,000 customers cost a few scans.
 * Defining the figures once is what makes "bulk recompute == what the writes left behind" hold.
 *
 * Definitions:
 *   counted order  = status ordered, delivered or paid (inquiry, cancelled, returned never count).
 *   first/last     = min/max ordered_at over counted orders; order_count counts them (any currency).
 *   money          = only orders and payments in the WORKSPACE currency enter money sums; summing
 *                    EUR and SEK cents would be meaningless and we hold no exchange rates. Orders in
 *                    other currencies still count for dates, order_count, gaps and favourite product.
 *   total_minor    = sum of counted orders' totals in the workspace currency.
 *   avg_minor      = total_minor / number of counted orders in the workspace currency, rounded half
 *                    away from zero to a whole minor unit (numeric round()); 0 without such orders.
 *   median_gap_days= median (percentile_cont 0.5) of the days between consecutive counted orders,
 *                    rounded to 2 decimals; null with fewer than two counted orders.
 *   favourite      = the product with the most units over counted orders' lines; ties go to the
 *                    one bought most recently, then to the lower sku so the answer is stable.
 *   amount_due     = max(0, total_minor - sum of the customer's payments in the workspace currency).
 *   A stats row exists while the customer has a counted order or a payment; otherwise it is
 *   deleted and readers see zeros.
 */
export function refreshFiguresStatement(workspaceId: string, currency: string, contactIds: string[] | null): RawBuilder<unknown> {
  const scope = (column: string) => (contactIds ? sql`and ${sql.ref(column)} in (${sql.join(contactIds)})` : sql``);
  return sql`
    with per_order as (
      select o.contact_id, o.ordered_at, o.total_minor, o.currency = ${currency} as in_currency,
             extract(epoch from o.ordered_at - lag(o.ordered_at) over (partition by o.contact_id order by o.ordered_at, o.id))
               / 86400 as gap_days
      from orders o
      where o.workspace_id = ${workspaceId} and o.status in ('ordered', 'delivered', 'paid') ${scope('o.contact_id')}
    ),
    per_contact as (
      select contact_id,
             min(ordered_at) as first_order_at,
             max(ordered_at) as last_order_at,
             count(*) as order_count,
             coalesce(sum(total_minor) filter (where in_currency), 0) as total_minor,
             count(*) filter (where in_currency) as money_orders,
             -- ordered-set aggregates skip nulls: the first order of each customer has no gap
             percentile_cont(0.5) within group (order by gap_days::float8) as median_gap
      from per_order
      group by contact_id
    ),
    units as (
      select o.contact_id, l.product_id, max(l.sku) as sku, sum(l.quantity) as units, max(o.ordered_at) as last_at
      from orders o
      join order_lines l on l.order_id = o.id and l.workspace_id = ${workspaceId}
      where o.workspace_id = ${workspaceId} and o.status in ('ordered', 'delivered', 'paid') ${scope('o.contact_id')}
      group by o.contact_id, l.product_id, case when l.product_id is null then l.sku end
    ),
    favourite as (
      select distinct on (contact_id) contact_id, product_id, sku
      from units
      order by contact_id, units desc, last_at desc, sku
    ),
    paid as (
      select p.contact_id, sum(p.amount_minor) as paid_minor
      from payments p
      where p.workspace_id = ${workspaceId} and p.currency = ${currency} ${scope('p.contact_id')}
      group by p.contact_id
    ),
    computed as (
      select coalesce(c.contact_id, p.contact_id) as contact_id,
             c.first_order_at,
             c.last_order_at,
             coalesce(c.order_count, 0)::int as order_count,
             coalesce(c.total_minor, 0)::bigint as total_minor,
             case when c.money_orders > 0 then round(c.total_minor::numeric / c.money_orders)::bigint else 0 end as avg_minor,
             round(c.median_gap::numeric, 2) as median_gap_days,
             f.product_id as favourite_product_id,
             f.sku as favourite_sku,
             greatest(coalesce(c.total_minor, 0) - coalesce(p.paid_minor, 0), 0)::bigint as amount_due_minor
      from per_contact c
      full join paid p on p.contact_id = c.contact_id
      left join favourite f on f.contact_id = c.contact_id
    ),
    upserted as (
      insert into contact_order_stats as s (contact_id, workspace_id, first_order_at, last_order_at, order_count,
        total_minor, avg_minor, median_gap_days, favourite_product_id, favourite_sku, amount_due_minor, updated_at)
      select contact_id, ${workspaceId}::uuid, first_order_at, last_order_at, order_count,
        total_minor, avg_minor, median_gap_days, favourite_product_id, favourite_sku, amount_due_minor, now()
      from computed
      on conflict (contact_id) do update set
        first_order_at = excluded.first_order_at,
        last_order_at = excluded.last_order_at,
        order_count = excluded.order_count,
        total_minor = excluded.total_minor,
        avg_minor = excluded.avg_minor,
        median_gap_days = excluded.median_gap_days,
        favourite_product_id = excluded.favourite_product_id,
        favourite_sku = excluded.favourite_sku,
        amount_due_minor = excluded.amount_due_minor,
        updated_at = excluded.updated_at
      -- a re-run after a bulk load leaves unchanged rows alone instead of rewriting a million tuples
      where (s.first_order_at, s.last_order_at, s.order_count, s.total_minor, s.avg_minor, s.median_gap_days,
             s.favourite_product_id, s.favourite_sku, s.amount_due_minor)
        is distinct from
            (excluded.first_order_at, excluded.last_order_at, excluded.order_count, excluded.total_minor, excluded.avg_minor,
             excluded.median_gap_days, excluded.favourite_product_id, excluded.favourite_sku, excluded.amount_due_minor)
      returning s.contact_id
    )
    -- the data-modifying CTE above runs once whatever the main query reads; the two touch disjoint rows
    delete from contact_order_stats s
    where s.workspace_id = ${workspaceId} ${scope('s.contact_id')}
      and not exists (select 1 from computed c where c.contact_id = s.contact_id)`;
}
