-- Each customer's latest contact, kept current by triggers (docs/decisions/0020).
--
-- "No contact in 180 days" read from the interactions and events themselves is an anti-join over
-- every event of the window (10M events at 1M customers: 2.1 s). Answered from these rows it is one
-- index range: the customers whose latest contact is older than the window.
--
-- What counts as contact is what the compiler counted before (src/segments/compile.ts):
-- interactions inbound or outbound, on their channel; tracked events as inbound on 'web' (page,
-- screen) or 'event' (every other type).
--
-- One row per customer, created with the customer, holds the latest contact on any channel and on
-- the two channels tracked events count on: '-infinity' until then, so "not within D days" is the
-- range below the window and takes in those never contacted without looking for missing rows.
-- The times are kept to the hour, truncated in UTC: an ingested event rewrites the row only when
-- its hour is later than the kept one, about once an hour per active customer instead of once per
-- group commit. The compiler re-checks against the rows themselves the customers whose kept hour
-- is the hour of the window's bound, the only ones the hour cannot decide.
create table contact_last_contact (
  contact_id uuid primary key,
  workspace_id uuid not null,
  any_at timestamptz not null default '-infinity',
  web_at timestamptz not null default '-infinity',     -- page and screen events, interactions on 'web'
  event_at timestamptz not null default '-infinity'    -- other events, interactions on 'event'
);
create index contact_last_contact_any on contact_last_contact (workspace_id, any_at) include (contact_id);
create index contact_last_contact_web on contact_last_contact (workspace_id, web_at) include (contact_id);
create index contact_last_contact_event on contact_last_contact (workspace_id, event_at) include (contact_id);

-- The other channels of logged interactions (call, email, sms, …), a row once a customer has one.
create table contact_last_contact_channels (
  contact_id uuid not null,
  channel text not null,
  workspace_id uuid not null,
  last_at timestamptz not null,
  primary key (contact_id, channel)
);
create index contact_last_contact_channels_at on contact_last_contact_channels (workspace_id, channel, last_at) include (contact_id);

insert into contact_last_contact (contact_id, workspace_id, any_at, web_at, event_at)
select c.id, c.workspace_id, coalesce(date_trunc('hour', a.any_at, 'UTC'), '-infinity'),
       coalesce(date_trunc('hour', a.web_at, 'UTC'), '-infinity'), coalesce(date_trunc('hour', a.event_at, 'UTC'), '-infinity')
  from contacts c
  left join (select contact_id, max(at) as any_at, max(at) filter (where channel = 'web') as web_at, max(at) filter (where channel = 'event') as event_at
               from (select contact_id, channel, occurred_at as at from interactions where direction in ('inbound', 'outbound')
                     union all
                     select contact_id, case when type in ('page', 'screen') then 'web' else 'event' end, occurred_at from events where contact_id is not null) seen
              group by contact_id) a on a.contact_id = c.id;
insert into contact_last_contact_channels (contact_id, channel, workspace_id, last_at)
select contact_id, channel, workspace_id, max(occurred_at) from interactions
 where direction in ('inbound', 'outbound') and channel not in ('web', 'event')
 group by contact_id, channel, workspace_id;

create function last_contact_new_contacts() returns trigger language plpgsql as $$
begin
  insert into contact_last_contact (contact_id, workspace_id) select id, workspace_id from new_rows
  on conflict do nothing;
  return null;
end $$;
create trigger last_contact_insert after insert on contacts
  referencing new table as new_rows for each statement execute function last_contact_new_contacts();

-- New events: the insert trigger of 0019 gains a second statement instead of a second trigger (one
-- call per group commit). A plain update, as every customer has a row: only rows whose kept hour
-- is older are locked and rewritten (an upsert's DO UPDATE ... WHERE would lock every row it
-- meets); the customers come sorted, so the rows that are written are locked in key order.
create or replace function event_marks_new() returns trigger language plpgsql as $$
begin
  insert into contact_event_marks as m (contact_id, event, workspace_id, last_at, recent)
  select contact_id, event, workspace_id, max(occurred_at), (array_agg(occurred_at order by occurred_at desc))[1:10]
    from new_rows where contact_id is not null and event is not null
   group by contact_id, event, workspace_id
   order by contact_id, event
  on conflict (contact_id, event) do update set
    last_at = greatest(m.last_at, excluded.last_at),
    recent = array(select t from unnest(m.recent || excluded.recent) t order by t desc limit 10);
  update contact_last_contact l
     set any_at = greatest(l.any_at, n.any_at), web_at = greatest(l.web_at, n.web_at), event_at = greatest(l.event_at, n.event_at)
    from (select contact_id, date_trunc('hour', max(occurred_at), 'UTC') as any_at,
                 coalesce(date_trunc('hour', max(occurred_at) filter (where type in ('page', 'screen')), 'UTC'), '-infinity') as web_at,
                 coalesce(date_trunc('hour', max(occurred_at) filter (where type not in ('page', 'screen')), 'UTC'), '-infinity') as event_at
            from new_rows where contact_id is not null
           group by contact_id
           order by contact_id) n
   where l.contact_id = n.contact_id
     and (l.any_at < n.any_at or l.web_at < n.web_at or l.event_at < n.event_at);
  return null;
end $$;

create function last_contact_new_interactions() returns trigger language plpgsql as $$
begin
  update contact_last_contact l
     set any_at = greatest(l.any_at, n.any_at), web_at = greatest(l.web_at, n.web_at), event_at = greatest(l.event_at, n.event_at)
    from (select contact_id, date_trunc('hour', max(occurred_at), 'UTC') as any_at,
                 coalesce(date_trunc('hour', max(occurred_at) filter (where channel = 'web'), 'UTC'), '-infinity') as web_at,
                 coalesce(date_trunc('hour', max(occurred_at) filter (where channel = 'event'), 'UTC'), '-infinity') as event_at
            from new_rows where direction in ('inbound', 'outbound')
           group by contact_id
           order by contact_id) n
   where l.contact_id = n.contact_id
     and (l.any_at < n.any_at or l.web_at < n.web_at or l.event_at < n.event_at);
  -- The other channels keep the exact time: logged by people and campaigns, they are few.
  insert into contact_last_contact_channels as l (contact_id, channel, workspace_id, last_at)
  select contact_id, channel, workspace_id, max(occurred_at)
    from new_rows where direction in ('inbound', 'outbound') and channel not in ('web', 'event')
   group by contact_id, channel, workspace_id
   order by contact_id, channel
  on conflict (contact_id, channel) do update set last_at = excluded.last_at
   where l.last_at < excluded.last_at;
  return null;
end $$;

-- Interactions or events given to another customer (a merge, identity stitching), changed or
-- removed: the customers touched are recomputed from what this AFTER trigger sees. Rare writes;
-- each reads those customers' rows through the (contact_id, time) indexes of both tables.
create function last_contact_recompute(ids uuid[]) returns void language plpgsql as $$
begin
  -- Each source filtered by the ids itself: an index probe per customer whatever the plan.
  with seen as (
    select contact_id, channel, occurred_at as at from interactions where contact_id = any(ids) and direction in ('inbound', 'outbound')
    union all
    select contact_id, case when type in ('page', 'screen') then 'web' else 'event' end, occurred_at from events where contact_id = any(ids)
  )
  insert into contact_last_contact as l (contact_id, workspace_id, any_at, web_at, event_at)
  select c.id, c.workspace_id, coalesce(date_trunc('hour', max(s.at), 'UTC'), '-infinity'),
         coalesce(date_trunc('hour', max(s.at) filter (where s.channel = 'web'), 'UTC'), '-infinity'),
         coalesce(date_trunc('hour', max(s.at) filter (where s.channel = 'event'), 'UTC'), '-infinity')
    from contacts c left join seen s on s.contact_id = c.id
   where c.id = any(ids)
   group by c.id, c.workspace_id
   order by c.id
  on conflict (contact_id) do update set any_at = excluded.any_at, web_at = excluded.web_at, event_at = excluded.event_at
   where (l.any_at, l.web_at, l.event_at) is distinct from (excluded.any_at, excluded.web_at, excluded.event_at);

  with latest as (
    select contact_id, channel, workspace_id, max(occurred_at) as last_at from interactions
     where contact_id = any(ids) and direction in ('inbound', 'outbound') and channel not in ('web', 'event')
     group by contact_id, channel, workspace_id
  ), kept as (
    insert into contact_last_contact_channels as l (contact_id, channel, workspace_id, last_at)
    select contact_id, channel, workspace_id, last_at from latest order by contact_id, channel
    on conflict (contact_id, channel) do update set last_at = excluded.last_at where l.last_at <> excluded.last_at
  )
  -- Same snapshot as the upsert: this removes only the channels with nothing left behind them.
  delete from contact_last_contact_channels l
   where l.contact_id = any(ids)
     and not exists (select 1 from latest x where x.contact_id = l.contact_id and x.channel = l.channel);
end $$;

create function last_contact_events_moved() returns trigger language plpgsql as $$
declare
  ids uuid[];
begin
  select array_agg(distinct x) into ids
    from old_rows o join new_rows n on n.id = o.id
    cross join lateral (values (o.contact_id), (n.contact_id)) v(x)
   where (o.contact_id, o.type, o.occurred_at) is distinct from (n.contact_id, n.type, n.occurred_at)
     and x is not null;
  if ids is not null then perform last_contact_recompute(ids); end if;
  return null;
end $$;

create function last_contact_interactions_moved() returns trigger language plpgsql as $$
declare
  ids uuid[];
begin
  select array_agg(distinct x) into ids
    from old_rows o join new_rows n on n.id = o.id
    cross join lateral (values (o.contact_id), (n.contact_id)) v(x)
   where (o.contact_id, o.channel, o.direction, o.occurred_at) is distinct from (n.contact_id, n.channel, n.direction, n.occurred_at);
  if ids is not null then perform last_contact_recompute(ids); end if;
  return null;
end $$;

create function last_contact_gone() returns trigger language plpgsql as $$
declare
  ids uuid[];
begin
  select array_agg(distinct contact_id) into ids from old_rows where contact_id is not null;
  if ids is not null then perform last_contact_recompute(ids); end if;
  return null;
end $$;

create trigger last_contact_insert after insert on interactions
  referencing new table as new_rows for each statement execute function last_contact_new_interactions();
create trigger last_contact_update after update on interactions
  referencing old table as old_rows new table as new_rows for each statement execute function last_contact_interactions_moved();
create trigger last_contact_delete after delete on interactions
  referencing old table as old_rows for each statement execute function last_contact_gone();
create trigger last_contact_update after update on events
  referencing old table as old_rows new table as new_rows for each statement execute function last_contact_events_moved();
create trigger last_contact_delete after delete on events
  referencing old table as old_rows for each statement execute function last_contact_gone();
