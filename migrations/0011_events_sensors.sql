-- Event sources (Segment-style write keys), stores, presence sensors, customers' registered
-- devices (with consent), store visits and anonymous sighting counts.

-- A write key is 32 random bytes: stored as sha256 like API keys, shown once.
create table event_sources (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  name text not null,
  prefix text not null,
  key_hash text not null unique,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index event_sources_workspace on event_sources (workspace_id);

-- identify/alias back-fill events that arrived under a userId before its contact existed.
create index events_user_unresolved on events (workspace_id, user_id) where contact_id is null and user_id is not null;

-- The HMAC key for MAC addresses: a MAC is only ever stored as hmac_sha256(secret, mac), so a
-- leaked table cannot be matched against a list of known MACs without this secret as well.
create table presence_secrets (
  workspace_id uuid primary key references workspaces(id),
  secret text not null,
  created_at timestamptz not null default now()
);

create table stores (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  name text not null,
  address text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, id)
);

create table sensors (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  store_id uuid not null,
  name text not null,
  token_prefix text not null,
  token_hash text not null unique,     -- sha256 of the sensor's own token (shown once)
  created_at timestamptz not null default now(),
  last_seen_at timestamptz,
  revoked_at timestamptz,
  unique (workspace_id, id),
  -- the composite key makes a sensor in one workspace pointing at another's store impossible
  foreign key (workspace_id, store_id) references stores (workspace_id, id)
);
create index sensors_store on sensors (workspace_id, store_id);

-- A customer's device, registered only with their consent; the MAC itself is never stored.
create table devices (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id),
  contact_id uuid not null references contacts(id),
  mac_hash text not null,
  label text,
  consent_text text not null,
  consent_at timestamptz not null,
  consent_source text not null,
  created_at timestamptz not null default now(),
  withdrawn_at timestamptz
);
-- One live registration per device and workspace: a sighting names at most one customer.
create unique index devices_live_mac on devices (workspace_id, mac_hash) where withdrawn_at is null;
create index devices_contact on devices (workspace_id, contact_id);

-- One visit per customer, store and 30-minute window: the primary key is the debounce, so a
-- sensor reporting the same phone a thousand times a minute still makes one timeline entry.
create table store_visits (
  workspace_id uuid not null references workspaces(id),
  store_id uuid not null,
  contact_id uuid not null references contacts(id),
  window_start timestamptz not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  sightings int not null default 1,
  sensor_id uuid not null,
  primary key (workspace_id, store_id, contact_id, window_start),
  foreign key (workspace_id, store_id) references stores (workspace_id, id)
);
create index store_visits_contact on store_visits (workspace_id, contact_id, window_start desc);

-- Devices without consent are only counted, per sensor and hour; nothing per device is kept.
create table sensor_hourly_counts (
  workspace_id uuid not null references workspaces(id),
  sensor_id uuid not null,
  hour timestamptz not null,
  unknown_sightings int not null default 0,
  known_sightings int not null default 0,
  primary key (workspace_id, sensor_id, hour),
  foreign key (workspace_id, sensor_id) references sensors (workspace_id, id)
);
