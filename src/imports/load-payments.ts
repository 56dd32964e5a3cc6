import { randomUUID } from 'node:crypto';
import { currencyDigits, UUID } from '../orders/common.ts';
import type { BatchTx } from './batch-db.ts';
import { copyLine } from './batch-db.ts';
import type { Rejection } from './validate-contacts.ts';
import type { PaymentRow } from './validate-payments.ts';

// Set-based upsert of one batch of payments (docs/decisions/0004, "Payments"): COPY into a staging
// table, key lookups of the orders and customers it names, INSERT … SELECT of the new payments and
// their timeline entries, UPDATE … FROM of the changed ones. The rules are createPayment's
// (orders/payments.ts): a payment names a customer, an order, or both, and then they agree; its
// currency defaults to the order's, else the workspace's. Unlike the orders import it never
// creates a customer: money from someone the shop has no record of is a question, not a contact.
// The payment id (external_id, unique per workspace) is the identity: the same file imported again
// changes nothing, and a row whose amount, date, method, order or customer changed updates it.

export interface PaymentBatchResult {
  created: number;
  updated: number;
  unchanged: number;
  rejections: Rejection[];
}

/** Which optional columns the file has: a column it does not have leaves an existing payment's value alone. */
export interface PaymentColumns {
  currency: boolean;
  method: boolean;
  order: boolean;
}

// Made once per connection and emptied at each commit, like the other stages (load-orders.ts).
const CREATE_STAGE = `create temp table if not exists import_payments (
  k int primary key, id uuid not null, ext text not null, ext_uuid uuid, email text, phone text, cust_ext text, order_ext text, order_uuid uuid,
  amount bigint not null, currency text, paid_at timestamptz not null, method text,
  order_id uuid, order_contact uuid, order_currency text, contact_id uuid, customers int not null default 0,
  cur text, payment_id uuid, old_contact uuid) on commit delete rows`;

const REASONS: Record<string, (orderNumber: string) => string> = {
  order: (n) => `No order ${n.length > 40 ? `${n.slice(0, 40)}…` : n} in this workspace`,
  customer: () => 'No customer with this e-mail, phone or id',
  customers: () => 'The e-mail, phone and customer id here belong to different customers',
  mismatch: () => 'The order belongs to another customer',
};

/**
 * The timeline summary createPayment writes ("Payment of 12.50 EUR received by card for order
 * #1001"), in SQL over `amount`, `cur`, `method`, `label` and `digits` (the currency's minor-unit
 * digits), cut to 300 characters as recordOnTimeline cuts it.
 */
const SUMMARY = `(select case when length(x.s) > 300 then left(x.s, 299) || '…' else x.s end
   from (select 'Payment of ' || round(amount::numeric / power(10::numeric, digits), digits)::text || ' ' || cur
                || coalesce(' received by ' || method, ' received') || coalesce(' for order ' || label, '') as s) x)`;

export async function loadPaymentBatch(
  tx: BatchTx,
  opts: { workspaceId: string; workspaceCurrency: string; rows: PaymentRow[]; columns: PaymentColumns; rawOf: (line: number) => string },
): Promise<PaymentBatchResult> {
  const ws = opts.workspaceId;
  const out: PaymentBatchResult = { created: 0, updated: 0, unchanged: 0, rejections: [] };
  const rows = opts.rows;
  if (rows.length === 0) return out;

  // An exported payment or order that had no id of its own carries Rapport's id: found by it again.
  const asUuid = (v: string | null) => (v !== null && UUID.test(v) ? v.toLowerCase() : null);
  let data = '';
  rows.forEach((r, k) => {
    data += copyLine([k, randomUUID(), r.externalId, asUuid(r.externalId), r.email, r.phone, r.customerId, r.orderNumber, asUuid(r.orderNumber), r.amountMinor, r.currency, r.paidAt, r.method]);
  });
  await tx.query(CREATE_STAGE);
  await tx.copyIn('import_payments', ['k', 'id', 'ext', 'ext_uuid', 'email', 'phone', 'cust_ext', 'order_ext', 'order_uuid', 'amount', 'currency', 'paid_at', 'method'], data);

  // Key lookups written as LATERAL (… OFFSET 0), as in load-contacts.ts: stale statistics of a
  // workspace that was empty must not turn them into scans.
  if (rows.some((r) => r.orderNumber !== null)) {
    await tx.query(
      `update import_payments s set order_id = f.id, order_contact = f.contact_id, order_currency = f.currency
         from (select x.k, o.id, o.contact_id, o.currency from import_payments x
                cross join lateral (select o.id, o.contact_id, o.currency from orders o
                                     where o.workspace_id = $1::uuid and o.external_id = x.order_ext offset 0) o) f
        where s.k = f.k`,
      [ws],
    );
    // The exports write Rapport's id for an order without a number (export.ts): found by it again.
    if (rows.some((r) => r.orderNumber !== null && UUID.test(r.orderNumber))) {
      await tx.query(
        `update import_payments s set order_id = o.id, order_contact = o.contact_id, order_currency = o.currency
           from orders o
          where s.order_id is null and o.id = s.order_uuid and o.workspace_id = $1::uuid and o.external_id is null`,
        [ws],
      );
    }
  }
  if (rows.some((r) => r.email !== null || r.phone !== null || r.customerId !== null)) {
    // Only live contacts hold identities (merges move them, deletes release them).
    await tx.query(
      `update import_payments s set contact_id = f.ids[1], customers = cardinality(f.ids)
         from (select i.k, array_agg(distinct c.id) as ids
                 from (select x.k, v.kind, v.value from import_payments x
                        cross join lateral (values ('email', x.email), ('phone', x.phone), ('external', x.cust_ext)) v(kind, value)
                        where v.value is not null order by 2, 3 offset 0) i
                 cross join lateral (select ci.contact_id from contact_identities ci
                                      where ci.workspace_id = $1::uuid and ci.kind = i.kind and ci.value = i.value offset 0) ci
                 cross join lateral (select c.id from contacts c where c.id = ci.contact_id and c.workspace_id = $1::uuid
                                        and c.merged_into is null and c.deleted_at is null offset 0) c
                group by i.k) f
        where s.k = f.k`,
      [ws],
    );
  }
  const refused = await tx.query<{ k: number; why: string; order_ext: string | null }>(
    `delete from import_payments
      where (order_ext is not null and order_id is null)
         or ((email is not null or phone is not null or cust_ext is not null) and customers <> 1)
         or contact_id <> order_contact
     returning k, order_ext, case when order_ext is not null and order_id is null then 'order' when customers = 0 then 'customer'
                                  when customers > 1 then 'customers' else 'mismatch' end as why`,
  );
  for (const r of refused.rows) {
    const line = rows[Number(r.k)].line;
    out.rejections.push({ line, reason: REASONS[r.why](r.order_ext ?? ''), raw: opts.rawOf(line) });
  }
  out.rejections.sort((a, b) => a.line - b.line);
  if (refused.rows.length === rows.length) return out;

  await tx.query(`update import_payments set contact_id = coalesce(contact_id, order_contact), cur = coalesce(currency, order_currency, $1)`, [
    opts.workspaceCurrency,
  ]);

  // The payments the file already names: by payment id, else (an exported payment without one) by Rapport's id.
  let matched = (
    await tx.query(
      `update import_payments s set payment_id = f.id, old_contact = f.contact_id
         from (select x.k, p.id, p.contact_id from import_payments x
                cross join lateral (select p.id, p.contact_id from payments p
                                     where p.workspace_id = $1::uuid and p.external_id = x.ext and p.external_id is not null offset 0) p) f
        where s.k = f.k`,
      [ws],
    )
  ).rowCount;
  if (rows.some((r) => UUID.test(r.externalId))) {
    matched += (
      await tx.query(
        `update import_payments s set payment_id = p.id, old_contact = p.contact_id
           from payments p
          where s.payment_id is null and s.ext_uuid is not null and p.id = s.ext_uuid and p.workspace_id = $1::uuid and p.external_id is null`,
        [ws],
      )
    ).rowCount;
  }

  const created = await tx.query(
    `insert into payments (id, workspace_id, contact_id, order_id, amount_minor, currency, method, external_id, paid_at)
     select id, $1::uuid, contact_id, order_id, amount, cur, method, ext, paid_at from import_payments where payment_id is null`,
    [ws],
  );
  out.created = created.rowCount;

  // A column the file lacks keeps the payment's value; an order link survives only with its customer.
  const { currency, method, order } = opts.columns;
  const next = {
    order: order ? 's.order_id' : 'case when p.contact_id = s.contact_id then p.order_id end',
    currency: currency ? 's.cur' : 'p.currency',
    method: method ? 's.method' : 'p.method',
  };
  const updated = await tx.query<{ id: string; currency: string }>(
    `update payments p set contact_id = s.contact_id, order_id = ${next.order}, amount_minor = s.amount, currency = ${next.currency},
            method = ${next.method}, paid_at = s.paid_at
       from import_payments s
      where p.id = s.payment_id and p.workspace_id = $1::uuid
        -- times are read to the millisecond; an API payment's microseconds are no change
        and (p.contact_id, p.order_id, p.amount_minor, p.currency, p.method, date_trunc('milliseconds', p.paid_at))
            is distinct from (s.contact_id, ${next.order}, s.amount, ${next.currency}, ${next.method}, s.paid_at)
      returning p.id, p.currency`,
    [ws],
  );
  out.updated = updated.rowCount;
  out.unchanged = matched - out.updated;
  if (out.created + out.updated === 0) return out;

  // Timeline entries as createPayment writes them; an updated payment's entry follows it.
  const currencies = new Set(updated.rows.map((r) => r.currency));
  if (out.created > 0) {
    for (const r of (await tx.query<{ cur: string }>('select distinct cur from import_payments where payment_id is null')).rows) currencies.add(r.cur);
  }
  const digits = [[...currencies], [...currencies].map(currencyDigits)];
  if (out.created > 0) {
    await tx.query(
      `insert into interactions (workspace_id, contact_id, channel, type, direction, occurred_at, summary, ref_type, ref_id, linked)
       select $1::uuid, contact_id, 'payment', 'payment.received', 'inbound', paid_at, ${SUMMARY}, 'payment', id::text,
              case when order_id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('type', 'order', 'id', order_id::text)) end
         from (select s.contact_id, s.paid_at, s.id, s.order_id, s.amount, s.cur, s.method, d.digits, '#' || s.order_ext as label
                 from import_payments s join unnest($2::text[], $3::int[]) d(cur, digits) on d.cur = s.cur
                where s.payment_id is null) n`,
      [ws, ...digits],
    );
  }
  if (out.updated > 0) {
    await tx.query(
      `update interactions i set contact_id = n.contact_id, occurred_at = n.paid_at, summary = ${SUMMARY},
              linked = case when n.order_id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('type', 'order', 'id', n.order_id::text)) end
         from (select p.id, s.old_contact, p.contact_id, p.paid_at, p.order_id, p.amount_minor as amount, p.currency as cur, p.method, d.digits,
                      case when o.id is null then null when o.external_id is null then left(o.id::text, 8) else '#' || o.external_id end as label
                 from payments p
                 join import_payments s on s.payment_id = p.id
                 join unnest($2::text[], $3::int[]) d(cur, digits) on d.cur = p.currency
                 left join orders o on o.id = p.order_id and o.workspace_id = $1::uuid
                where p.id = any($4::uuid[]) and p.workspace_id = $1::uuid) n
        where i.workspace_id = $1::uuid and i.contact_id = n.old_contact and i.ref_type = 'payment' and i.ref_id = n.id::text
          and i.type = 'payment.received'`,
      [ws, ...digits, updated.rows.map((r) => r.id)],
    );
  }
  return out;
}
