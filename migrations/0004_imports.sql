-- CSV imports (people, companies, orders) and their per-row rejection report.
-- An import is uploaded first (file kept under DATA_DIR/uploads), then started with a column
-- mapping; a job loads it in batches, each batch one transaction that also advances the
-- counters below, so progress is real and a retried job resumes after the last committed batch.

create table imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  kind text not null check (kind in ('people', 'companies', 'orders')),
  file_path text not null,
  file_name text,
  file_bytes bigint not null default 0,
  headers text[] not null default '{}',
  mapping jsonb,
  state text not null default 'uploaded' check (state in ('uploaded', 'queued', 'running', 'succeeded', 'failed')),
  job_id uuid,
  rows_done bigint not null default 0,        -- CSV records consumed (committed), the resume point
  bytes_done bigint not null default 0,
  created_count bigint not null default 0,
  updated_count bigint not null default 0,
  unchanged_count bigint not null default 0,
  duplicate_count bigint not null default 0,  -- rows merged into another row of the same file
  rejected_count bigint not null default 0,
  extra jsonb not null default '{}',          -- kind-specific counts (companies or customers created, …)
  error text,
  created_by uuid,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index imports_ws_created on imports (workspace_id, created_at desc, id desc);

create table import_rejections (
  workspace_id uuid not null references workspaces(id),
  import_id uuid not null references imports(id) on delete cascade,
  line int not null,                          -- physical line of the CSV where the record starts (header = 1)
  reason text not null,
  raw text not null,
  primary key (import_id, line)
);
