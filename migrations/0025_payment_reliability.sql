-- Payment reliability per customer (REQUIREMENTS §1: "derived at any time … payment reliability").
--
-- An order falls due `payment_terms_days` after it was placed unless it names its own due date.
-- Payments settle a customer's orders oldest first (open-item order), the way amount_due already
-- nets all payments against all orders: a payment need not name its order.
alter table workspaces add column payment_terms_days int not null default 14
  check (payment_terms_days between 0 and 365);
alter table orders add column due_at timestamptz;

alter table contact_order_stats
  add column settled_orders int not null default 0,   -- orders in the workspace currency paid in full
  add column late_orders int not null default 0,      -- of those, settled one whole day or more after falling due
  add column days_late_avg numeric,                   -- whole days past due, averaged over settled orders (0 when on time)
  add column unpaid_due_at timestamptz;               -- the earliest due date of an order not yet paid in full

-- Figures a later definition adds are computed for stored data by the worker, once per workspace
-- (src/orders/figures-upgrade.ts), instead of a migration repeating the definition in SQL.
-- Existing workspaces start at 0 (to be computed); new ones are born current (1, FIGURES_VERSION).
alter table workspaces add column figures_version int not null default 0;
alter table workspaces alter column figures_version set default 1;

-- Customers past due: receivables ordered by how long they have been overdue.
create index contact_order_stats_unpaid on contact_order_stats (workspace_id, unpaid_due_at, contact_id)
  where unpaid_due_at is not null;
