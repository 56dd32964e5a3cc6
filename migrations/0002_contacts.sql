-- People and companies in one table (kind), their identities, custom attribute definitions and
-- the unified timeline of interactions over every channel.

create table contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  kind text not null check (kind in ('person', 'company')),
  first_name text,
  last_name text,
  name text not null,                  -- display name kept by the service: "First Last" or the company name
  company_id uuid references contacts(id),
  emails text[] not null default '{}', -- lower-cased, first is primary; mirrored in contact_identities
  phones text[] not null default '{}', -- E.164, first is primary; mirrored in contact_identities
  external_ids text[] not null default '{}', -- 'source:id'; mirrored in contact_identities
  locale text,
  time_zone text,
  birthday date,
  owner_id uuid references users(id),
  source text,
  tags text[] not null default '{}',
  attributes jsonb not null default '{}',
  merged_into uuid references contacts(id), -- set on the record merged away; it stays so old links resolve
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Keyset pagination and prefix search by name; the trigram index serves search inside names.
create index contacts_ws_name on contacts (workspace_id, lower(name) text_pattern_ops, id) where merged_into is null and deleted_at is null;
create index contacts_ws_created on contacts (workspace_id, created_at desc, id desc) where merged_into is null and deleted_at is null;
create index contacts_name_trgm on contacts using gin (lower(name) gin_trgm_ops);
create index contacts_tags on contacts using gin (tags);
create index contacts_company on contacts (company_id) where company_id is not null;
create index contacts_owner on contacts (workspace_id, owner_id);

-- Identity: an e-mail, phone or external id names at most one live contact per workspace.
create table contact_identities (
  workspace_id uuid not null references workspaces(id),
  kind text not null check (kind in ('email', 'phone', 'external')),
  value text not null,
  contact_id uuid not null references contacts(id),
  primary key (workspace_id, kind, value)
);
create index contact_identities_contact on contact_identities (contact_id);
-- Prefix search by e-mail or phone as the user types.
create index contact_identities_prefix on contact_identities (workspace_id, value text_pattern_ops);

create table attribute_definitions (
  workspace_id uuid not null references workspaces(id),
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text not null,
  type text not null check (type in ('text', 'number', 'date', 'boolean', 'choice')),
  choices text[],
  applies_to text not null default 'person' check (applies_to in ('person', 'company', 'both')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

create table interactions (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces(id),
  contact_id uuid not null references contacts(id),
  channel text not null,               -- call, email, sms, voice, web, meeting, note, order, payment, delivery, complaint, survey, …
  type text not null,                  -- what happened, e.g. 'note', 'call.logged', 'order.placed'
  direction text not null default 'internal' check (direction in ('inbound', 'outbound', 'internal')),
  occurred_at timestamptz not null default now(),
  summary text not null default '',
  body text,
  ref_type text,                       -- the record this entry stands for, e.g. 'order'
  ref_id text,
  author_user_id uuid references users(id),
  linked jsonb not null default '[]',  -- other records involved: [{ "type": "...", "id": "..." }]
  created_at timestamptz not null default now()
);
-- The 360 view reads newest first by keyset (occurred_at, id).
create index interactions_timeline on interactions (contact_id, occurred_at desc, id desc);
create index interactions_ws_time on interactions (workspace_id, occurred_at desc);
