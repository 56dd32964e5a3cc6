-- Products, orders with lines, payments, deliveries, complaints, and the order figures per
-- customer kept current on every order write. Money is integer minor units.

create table products (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  sku text not null,
  name text not null,
  category text,
  price_minor bigint not null check (price_minor >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  stock int,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, sku)
);

create table orders (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  contact_id uuid not null references contacts(id),
  external_id text,                    -- the shop's order number; unique per workspace when given
  status text not null check (status in ('inquiry', 'ordered', 'delivered', 'paid', 'returned', 'cancelled')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  total_minor bigint not null default 0 check (total_minor >= 0),
  ordered_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index orders_external on orders (workspace_id, external_id) where external_id is not null;
create index orders_contact on orders (contact_id, ordered_at);
create index orders_ws_time on orders (workspace_id, ordered_at desc, id desc);

create table order_lines (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  order_id uuid not null references orders(id) on delete cascade,
  product_id uuid references products(id),
  sku text not null,
  name text not null,
  quantity int not null check (quantity > 0),
  unit_price_minor bigint not null check (unit_price_minor >= 0),
  line_total_minor bigint not null check (line_total_minor >= 0)
);
create index order_lines_order on order_lines (order_id);

create table payments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  contact_id uuid not null references contacts(id),
  order_id uuid references orders(id),
  amount_minor bigint not null check (amount_minor > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  method text,
  external_id text,
  paid_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
create index payments_contact on payments (contact_id, paid_at);
create index payments_order on payments (order_id);

create table deliveries (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  order_id uuid not null references orders(id),
  status text not null check (status in ('pending', 'shipped', 'delivered', 'failed', 'returned')),
  carrier text,
  tracking_code text,
  problem text,
  shipped_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index deliveries_order on deliveries (order_id);

create table complaints (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  contact_id uuid not null references contacts(id),
  order_id uuid references orders(id),
  subject text not null,
  body text,
  status text not null default 'open' check (status in ('open', 'resolved', 'rejected')),
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index complaints_contact on complaints (contact_id, created_at desc);

-- Derived per customer on every order/payment write, never on read.
create table contact_order_stats (
  contact_id uuid primary key references contacts(id),
  workspace_id uuid not null references workspaces(id),
  first_order_at timestamptz,
  last_order_at timestamptz,
  order_count int not null default 0,
  total_minor bigint not null default 0,
  avg_minor bigint not null default 0,
  median_gap_days numeric,
  favourite_product_id uuid references products(id),
  favourite_sku text,
  amount_due_minor bigint not null default 0,
  updated_at timestamptz not null default now()
);
create index contact_order_stats_last on contact_order_stats (workspace_id, last_order_at);
