-- Segments: rule-based (dynamic) or hand-kept (static) groups of contacts, their stored members
-- and the history of every entry and exit.

create table segments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  name text not null,
  description text,
  kind text not null check (kind in ('dynamic', 'static')),
  rule jsonb,                            -- dynamic only: the validated rule tree (src/segments/schema.ts)
  depends_on uuid[] not null default '{}', -- segments the rule refers to: cycle checks and build order
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Health of the last build, shown per segment.
  last_built_at timestamptz,
  last_build_ms int,
  last_entered int,
  last_exited int,
  member_count int not null default 0,
  check ((kind = 'dynamic') = (rule is not null)),
  unique (workspace_id, name)
);

create table segment_members (
  segment_id uuid not null references segments(id) on delete cascade,
  contact_id uuid not null references contacts(id),
  workspace_id uuid not null references workspaces(id),
  since timestamptz not null default now(),
  primary key (segment_id, contact_id)
);
-- "Which segments is this contact in" (incremental refresh, the 360 view, one send per contact).
create index segment_members_contact on segment_members (contact_id);

create table segment_membership_events (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces(id),
  segment_id uuid not null references segments(id) on delete cascade,
  contact_id uuid not null references contacts(id),
  change text not null check (change in ('entered', 'exited')),
  cause text not null check (cause in ('build', 'refresh', 'manual')),
  at timestamptz not null default now()
);
create index segment_membership_events_segment on segment_membership_events (segment_id, id desc);
create index segment_membership_events_contact on segment_membership_events (contact_id, id desc);
