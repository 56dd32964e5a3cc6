-- Insights: groups found in the data (RFM scores, k-means clusters), slowing-customer flags and
-- their per-workspace settings. Everything here is derived from orders/contact_order_stats and
-- can be recomputed at any time by the insights jobs.

-- contact_rfm and contact_cluster are derived, one row per customer, rewritten wholesale by their
-- jobs (1,000,000 rows at a time): they carry no foreign keys, whose per-row checks would double
-- the cost of every rewrite. Contacts are only ever soft-deleted, and readers join contacts.

-- RFM quintile scores per customer with counted orders; replaced wholesale by each recompute.
create table contact_rfm (
  contact_id uuid primary key,
  workspace_id uuid not null,
  r smallint not null check (r between 1 and 5),
  f smallint not null check (f between 1 and 5),
  m smallint not null check (m between 1 and 5),
  segment text not null,
  computed_at timestamptz not null default now()
);
create index contact_rfm_ws_segment on contact_rfm (workspace_id, segment);

-- One clustering run per POST; only the latest succeeded run per workspace has members.
create table insight_cluster_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  k int not null check (k between 2 and 20),
  customers int not null,
  iterations int not null,
  inertia double precision not null,
  features jsonb not null,            -- names, and per feature the mean/sd used to normalise
  job_id uuid,
  created_by uuid,
  created_at timestamptz not null default now()
);
create index insight_cluster_runs_ws on insight_cluster_runs (workspace_id, created_at desc);

create table insight_clusters (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  run_id uuid not null references insight_cluster_runs(id) on delete cascade,
  position int not null,              -- 0..k-1 in the run, ordered by size descending
  label text not null,
  size int not null,
  avg_order_minor bigint not null default 0,
  median_gap_days numeric,
  centroid jsonb not null,            -- feature means in natural units (days, orders, minor units)
  unique (run_id, position)
);
create index insight_clusters_ws on insight_clusters (workspace_id, run_id);

create table contact_cluster (
  contact_id uuid primary key,
  workspace_id uuid not null,
  run_id uuid not null,
  cluster_id uuid not null
);
create index contact_cluster_cluster on contact_cluster (cluster_id, contact_id);
create index contact_cluster_run on contact_cluster (run_id);

create table insight_settings (
  workspace_id uuid primary key references workspaces(id),
  slowing_gap_factor numeric not null default 1.5 check (slowing_gap_factor >= 1 and slowing_gap_factor <= 20),
  slowing_value_ratio numeric not null default 0.7 check (slowing_value_ratio > 0 and slowing_value_ratio < 1),
  updated_at timestamptz not null default now()
);

-- Alerts on a customer ('slowing' today); one row per customer and flag while it holds.
create table contact_flags (
  contact_id uuid not null references contacts(id),
  workspace_id uuid not null references workspaces(id),
  flag text not null check (flag in ('slowing')),
  reason text not null,
  details jsonb not null default '{}',
  since timestamptz not null,
  computed_at timestamptz not null default now(),
  primary key (contact_id, flag)
);
-- The slowing list: newest alerts first, keyset on (since, contact_id).
create index contact_flags_ws_list on contact_flags (workspace_id, flag, since desc, contact_id desc);

-- Clustering streams one workspace's figures in contact_id order (keyset batches).
create index contact_order_stats_ws_contact on contact_order_stats (workspace_id, contact_id);
