-- Orders: retry safety for payments, and the indexes behind the orders capability's lists.

-- A shop or payment provider retrying a payment notification must not record the money twice.
create unique index payments_external on payments (workspace_id, external_id) where external_id is not null;
-- GET /payments without a customer filter, newest first.
create index payments_ws_time on payments (workspace_id, paid_at desc, id desc);
-- GET /receivables: only debtors, largest first; most customers owe nothing so the index stays small.
create index contact_order_stats_due on contact_order_stats (workspace_id, amount_due_minor desc, contact_id desc)
  where amount_due_minor > 0;
-- GET /complaints newest first per workspace (complaints_contact serves the per-customer list).
create index complaints_ws_time on complaints (workspace_id, created_at desc, id desc);
