-- Behavioural events (Segment tracking spec), stored append-only and deduplicated by messageId.

create table events (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces(id),
  message_id text not null,            -- the client's id: a retry never stores twice
  type text not null check (type in ('identify', 'track', 'page', 'screen', 'group', 'alias')),
  event text,                          -- track: the event name (e.g. 'Order Completed'); page: the page name
  contact_id uuid references contacts(id),  -- null until the anonymous id is stitched to a known customer
  anonymous_id text,
  user_id text,                        -- the integrator's id for the customer (maps to an external id)
  properties jsonb not null default '{}',
  context jsonb not null default '{}',
  occurred_at timestamptz not null,    -- the event's own timestamp
  received_at timestamptz not null default now(),
  unique (workspace_id, message_id)
);
-- Segment conditions "performed X at least N times within a window" scan by name and time and
-- need only the contact: a covering index keeps such builds to an index-only scan.
create index events_name_time on events (workspace_id, event, occurred_at) include (contact_id);
create index events_contact_time on events (contact_id, occurred_at desc) where contact_id is not null;
create index events_anonymous on events (workspace_id, anonymous_id) where contact_id is null and anonymous_id is not null;

-- anonymousId → customer, written by identify/alias; later events with the anonymous id resolve through it.
create table event_identities (
  workspace_id uuid not null references workspaces(id),
  anonymous_id text not null,
  contact_id uuid not null references contacts(id),
  created_at timestamptz not null default now(),
  primary key (workspace_id, anonymous_id)
);
