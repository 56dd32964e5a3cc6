-- The latest times each customer performed each event, kept current by trigger (docs/decisions/0019).
--
-- "Performed X at least N times in the last D days" is true exactly when the N-th latest X is
-- within D days, and "not in the last D days" when the latest is older. Answered from the events
-- themselves, a segment build must read and group every event of the window (493,000 purchases
-- in 90 days over 1M customers: ~500 ms); answered from these rows it reads only the customers
-- whose latest time falls in the window, and ANDed conditions on one event narrow that range
-- together (src/segments/compile.ts). Counts above the depth kept here still read the events.
create table contact_event_marks (
  contact_id uuid not null,
  event text not null,
  workspace_id uuid not null,
  last_at timestamptz not null,
  recent timestamptz[] not null,   -- the 10 latest occurred_at, newest first (duplicates kept: they count twice)
  primary key (contact_id, event)
);
create index contact_event_marks_last on contact_event_marks (workspace_id, event, last_at) include (contact_id, recent);

insert into contact_event_marks (contact_id, event, workspace_id, last_at, recent)
select contact_id, event, workspace_id, max(occurred_at), (array_agg(occurred_at order by occurred_at desc))[1:10]
  from events where contact_id is not null and event is not null
 group by contact_id, event, workspace_id;

-- New events merge into the kept times: one upsert per customer and event of the statement,
-- in key order so two concurrent group commits lock shared rows in the same order (no deadlock).
create function event_marks_new() returns trigger language plpgsql as $$
begin
  insert into contact_event_marks as m (contact_id, event, workspace_id, last_at, recent)
  select contact_id, event, workspace_id, max(occurred_at), (array_agg(occurred_at order by occurred_at desc))[1:10]
    from new_rows where contact_id is not null and event is not null
   group by contact_id, event, workspace_id
   order by contact_id, event
  on conflict (contact_id, event) do update set
    last_at = greatest(m.last_at, excluded.last_at),
    recent = array(select t from unnest(m.recent || excluded.recent) t order by t desc limit 10);
  return null;
end $$;

-- Events given to a customer later (identity stitching, a merge) or removed: the pairs touched
-- are recomputed from the events, which this AFTER trigger already sees in their new state.
create function event_marks_recompute(pairs jsonb) returns void language plpgsql as $$
begin
  insert into contact_event_marks as m (contact_id, event, workspace_id, last_at, recent)
  select p.contact_id, p.event, p.workspace_id, max(t.occurred_at), array_agg(t.occurred_at order by t.occurred_at desc)
    from jsonb_to_recordset(pairs) p(contact_id uuid, event text, workspace_id uuid)
    cross join lateral (select e.occurred_at from events e
                         where e.contact_id = p.contact_id and e.event = p.event
                         order by e.occurred_at desc limit 10) t
   group by p.contact_id, p.event, p.workspace_id
   order by p.contact_id, p.event
  on conflict (contact_id, event) do update set last_at = excluded.last_at, recent = excluded.recent;
  delete from contact_event_marks m
   using jsonb_to_recordset(pairs) p(contact_id uuid, event text, workspace_id uuid)
   where m.contact_id = p.contact_id and m.event = p.event
     and not exists (select 1 from events e where e.contact_id = p.contact_id and e.event = p.event);
end $$;

create function event_marks_moved() returns trigger language plpgsql as $$
declare
  pairs jsonb;
begin
  select jsonb_agg(distinct jsonb_build_object('contact_id', x.contact_id, 'event', x.event, 'workspace_id', x.workspace_id))
    into pairs
    from old_rows o join new_rows n on n.id = o.id
    cross join lateral (values (o.contact_id, o.event, o.workspace_id), (n.contact_id, n.event, n.workspace_id)) x(contact_id, event, workspace_id)
   where (o.contact_id, o.event, o.occurred_at) is distinct from (n.contact_id, n.event, n.occurred_at)
     and x.contact_id is not null and x.event is not null;
  if pairs is not null then perform event_marks_recompute(pairs); end if;
  return null;
end $$;

create function event_marks_gone() returns trigger language plpgsql as $$
declare
  pairs jsonb;
begin
  select jsonb_agg(distinct jsonb_build_object('contact_id', contact_id, 'event', event, 'workspace_id', workspace_id))
    into pairs from old_rows where contact_id is not null and event is not null;
  if pairs is not null then perform event_marks_recompute(pairs); end if;
  return null;
end $$;

create trigger event_marks_insert after insert on events
  referencing new table as new_rows for each statement execute function event_marks_new();
create trigger event_marks_update after update on events
  referencing old table as old_rows new table as new_rows for each statement execute function event_marks_moved();
create trigger event_marks_delete after delete on events
  referencing old table as old_rows for each statement execute function event_marks_gone();
