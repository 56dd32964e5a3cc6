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
 *   paid           = an order the shop marked 'paid' is paid, whatever payments Rapport holds (an
 *                    imported order history has none); payments naming such an order belong to it.
 *                    Every other payment (the pool) pays the customer's other counted orders, oldest
 *                    first, whether or not it names one: a shop often records money per customer.
 *   amount_due     = max(0, totals of counted orders not marked paid - the pool), workspace currency.
 *   payment reliability (workspace currency, orders with a total above 0):
 *     due date     = the order's due_at, else ordered_at + the workspace's payment terms in days.
 *     settled at   = for an order marked paid, its latest payment (unknown without one: such an
 *                    order is paid but says nothing of punctuality); for the others, when the pool,
 *                    summed in (paid_at, id) order, first covers their running total in
 *                    (ordered_at, id) order up to this one.
 *     days late    = whole days from due date to settled at, 0 when paid by then; an order is late
 *                    from one whole day past due. days_late_avg averages over settled orders.
 *     unpaid_due_at= the earliest due date of an order not yet settled (readers compare it with now:
 *                    being overdue is a matter of the clock, not of a write).
 *   A stats row exists while the customer has a counted order or a payment; otherwise it is
 *   deleted and readers see zeros.
 */
export function refreshFiguresStatement(
  workspaceId: string,
  settings: { currency: string; paymentTermsDays: number },
  contactIds: string[] | null,
): RawBuilder<unknown> {
  const { currency, paymentTermsDays } = settings;
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
    money_orders as (
      select o.id, o.contact_id, o.ordered_at, o.total_minor, o.status = 'paid' as marked_paid,
             coalesce(o.due_at, o.ordered_at + make_interval(days => ${paymentTermsDays}::int)) as due_at
      from orders o
      where o.workspace_id = ${workspaceId} and o.status in ('ordered', 'delivered', 'paid') and o.currency = ${currency}
        ${scope('o.contact_id')}
    ),
    money_payments as (
      select p.id, p.contact_id, p.paid_at, p.amount_minor, m.id as marked_order
      from payments p
      left join money_orders m on m.id = p.order_id and m.marked_paid
      where p.workspace_id = ${workspaceId} and p.currency = ${currency} ${scope('p.contact_id')}
    ),
    -- One row per open order, pool payment and order marked paid. Open orders and pool payments
    -- share one scale (running totals) and are walked from the largest down: an order is settled by
    -- the earliest payment whose running total reaches the order's; at equal totals the payment
    -- sorts first, so it counts.
    settlement as (
      select contact_id, is_order, false as marked_paid, due_at, total_minor, amount_minor,
             min(paid_at) over (partition by contact_id order by running desc, is_order
                                rows between unbounded preceding and current row) as settled_at
      from (select contact_id, true as is_order, due_at, null::timestamptz as paid_at, total_minor, 0::bigint as amount_minor,
                   sum(total_minor) over (partition by contact_id order by ordered_at, id) as running
              from money_orders where not marked_paid and total_minor > 0
            union all
            select contact_id, false, null, paid_at, 0, amount_minor, sum(amount_minor) over (partition by contact_id order by paid_at, id)
              from money_payments where marked_order is null) x
      union all
      -- (payments are few next to orders: aggregate them, not the orders)
      select m.contact_id, true, true, m.due_at, 0, 0, lp.paid_at
      from money_orders m
      left join (select marked_order, max(paid_at) as paid_at from money_payments where marked_order is not null group by marked_order) lp
        on lp.marked_order = m.id
      where m.marked_paid and m.total_minor > 0
    ),
    money as (
      select contact_id,
             sum(total_minor) - sum(amount_minor) as due_minor,
             count(settled_at) filter (where is_order) as settled_orders,
             count(*) filter (where is_order and settled_at >= due_at + interval '1 day') as late_orders,
             -- greatest() skips nulls: unsettled orders must be filtered out, not left to avg()
             round(avg(greatest(floor(extract(epoch from settled_at - due_at) / 86400), 0))
                   filter (where is_order and settled_at is not null), 1) as days_late_avg,
             min(due_at) filter (where is_order and settled_at is null and not marked_paid) as unpaid_due_at
      from settlement
      group by contact_id
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
             greatest(coalesce(p.due_minor, 0), 0)::bigint as amount_due_minor,
             coalesce(p.settled_orders, 0)::int as settled_orders,
             coalesce(p.late_orders, 0)::int as late_orders,
             p.days_late_avg,
             p.unpaid_due_at
      from per_contact c
      full join money p on p.contact_id = c.contact_id
      left join favourite f on f.contact_id = c.contact_id
    ),
    upserted as (
      insert into contact_order_stats as s (contact_id, workspace_id, first_order_at, last_order_at, order_count,
        total_minor, avg_minor, median_gap_days, favourite_product_id, favourite_sku, amount_due_minor,
        settled_orders, late_orders, days_late_avg, unpaid_due_at, updated_at)
      select contact_id, ${workspaceId}::uuid, first_order_at, last_order_at, order_count,
        total_minor, avg_minor, median_gap_days, favourite_product_id, favourite_sku, amount_due_minor,
        settled_orders, late_orders, days_late_avg, unpaid_due_at, now()
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
        settled_orders = excluded.settled_orders,
        late_orders = excluded.late_orders,
        days_late_avg = excluded.days_late_avg,
        unpaid_due_at = excluded.unpaid_due_at,
        updated_at = excluded.updated_at
      -- a re-run after a bulk load leaves unchanged rows alone instead of rewriting a million tuples
      where (s.first_order_at, s.last_order_at, s.order_count, s.total_minor, s.avg_minor, s.median_gap_days,
             s.favourite_product_id, s.favourite_sku, s.amount_due_minor, s.settled_orders, s.late_orders, s.days_late_avg,
             s.unpaid_due_at)
        is distinct from
            (excluded.first_order_at, excluded.last_order_at, excluded.order_count, excluded.total_minor, excluded.avg_minor,
             excluded.median_gap_days, excluded.favourite_product_id, excluded.favourite_sku, excluded.amount_due_minor,
             excluded.settled_orders, excluded.late_orders, excluded.days_late_avg, excluded.unpaid_due_at)
      returning s.contact_id
    )
    -- the data-modifying CTE above runs once whatever the main query reads; the two touch disjoint rows
    delete from contact_order_stats s
    where s.workspace_id = ${workspaceId} ${scope('s.contact_id')}
      and not exists (select 1 from computed c where c.contact_id = s.contact_id)`;
}
