-- Workspaces, users, sessions, API keys, the audit log, idempotency keys and the job table.
-- Every table but workspaces carries workspace_id and every query filters by it.
create extension if not exists pg_trgm;

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  default_country text not null default 'FI' check (default_country ~ '^[A-Z]{2}$'),
  time_zone text not null default 'Europe/Helsinki',
  currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  locale text not null default 'en',
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  email text not null,
  name text not null default '',
  role text not null check (role in ('admin', 'marketer', 'agent', 'analyst')),
  password_hash text not null,
  must_change_password boolean not null default false,
  disabled_at timestamptz,
  password_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
-- Sign-in is by e-mail alone, so an address names one user across workspaces.
create unique index users_email_key on users (lower(email));
create index users_workspace on users (workspace_id);

create table sessions (
  id text primary key,                 -- sha256 of the cookie token; the token itself is never stored
  workspace_id uuid not null references workspaces(id),
  user_id uuid not null references users(id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  name text not null,
  role text not null check (role in ('admin', 'marketer', 'agent', 'analyst')),
  prefix text not null,                -- shown in lists so a key can be recognised without revealing it
  key_hash text not null unique,       -- sha256 of the whole key: keys are 32 random bytes, so a fast hash suffices
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_workspace on api_keys (workspace_id);

create table audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces(id),
  actor_user_id uuid,
  actor_api_key_id uuid,
  action text not null,                -- e.g. 'contact.create', 'contact.merge'
  entity text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  created_at timestamptz not null default now()
);
create index audit_log_workspace_time on audit_log (workspace_id, created_at desc);

create table idempotency_keys (
  workspace_id uuid not null references workspaces(id),
  key text not null,
  request_hash text not null,
  method text not null,
  path text not null,
  status_code int,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- Background work, claimed with FOR UPDATE SKIP LOCKED; more throughput = more workers on one database.
create table jobs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  kind text not null,
  state text not null default 'queued' check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  payload jsonb not null default '{}',
  progress jsonb not null default '{}',
  result jsonb,
  error text,
  attempts int not null default 0,
  run_after timestamptz not null default now(),
  lease_until timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_claimable on jobs (run_after) where state in ('queued', 'running');
create index jobs_workspace on jobs (workspace_id, created_at desc);
