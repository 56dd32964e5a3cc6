-- Customers whose segment membership and slowing flag must be re-evaluated (docs/decisions/0015).
-- Every write that changes what a rule looks at queues the customer in the same transaction, by
-- trigger, so no writer (API, event ingestion, importer, demo data, a future capability) has to
-- remember it and a crash loses nothing: a change commits with its queue row or not at all.
-- The worker drains the queue every ~100 ms (src/segments/refresh-queue.ts).
--
-- Append-only on purpose: no unique key, so concurrent writers naming one customer never wait on
-- each other's uncommitted row (ON CONFLICT would); the drainer de-duplicates. No foreign keys:
-- a per-row key check would cost the ingestion path as much as the row itself.
create table contact_refresh_queue (
  id bigint generated always as identity (cache 100) primary key,
  workspace_id uuid not null,
  contact_id uuid not null,
  queued_at timestamptz not null default now()
);
-- A queue: every row is deleted within ~100 ms of its insert. Left to the default thresholds (20 %
-- of the table) dead rows piled up by the million and an empty queue took 100+ ms to scan.
alter table contact_refresh_queue set (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000,
  autovacuum_vacuum_cost_delay = 0);

-- Statement-level triggers over transition tables: an INSERT … SELECT of 1,000 events queues its
-- customers with one set-based statement. Transition tables allow one event per trigger, hence one
-- trigger per table and event. A statement of more than 2,000 rows (an import batch, a mass
-- update; a group commit holds at most 2,000 events) queues one row per workspace with the nil
-- uuid instead, meaning "rebuild the whole workspace": the drainer would do that for so many
-- customers anyway, and the bulk write does not pay for a queue row per customer (~10 % of a
-- 100,000-contact insert).

create function refresh_queue_new() returns trigger language plpgsql as $$
begin
  if (select count(*) from new_rows) > 2000 then
    insert into contact_refresh_queue (workspace_id, contact_id) select distinct workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from new_rows;
    return null;
  end if;
  insert into contact_refresh_queue (workspace_id, contact_id)
  select distinct workspace_id, contact_id from new_rows where contact_id is not null;
  return null;
end $$;

create function refresh_queue_old() returns trigger language plpgsql as $$
begin
  if (select count(*) from old_rows) > 2000 then
    insert into contact_refresh_queue (workspace_id, contact_id) select distinct workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from old_rows;
    return null;
  end if;
  insert into contact_refresh_queue (workspace_id, contact_id)
  select distinct workspace_id, contact_id from old_rows where contact_id is not null;
  return null;
end $$;

-- An update may move a row from one customer to another (a merge): both are re-evaluated.
create function refresh_queue_moved() returns trigger language plpgsql as $$
begin
  if (select count(*) from new_rows) > 2000 then
    insert into contact_refresh_queue (workspace_id, contact_id) select distinct workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from new_rows;
    return null;
  end if;
  insert into contact_refresh_queue (workspace_id, contact_id)
  select workspace_id, contact_id from new_rows where contact_id is not null
  union
  select workspace_id, contact_id from old_rows where contact_id is not null;
  return null;
end $$;

create trigger refresh_queue_insert after insert on events
  referencing new table as new_rows for each statement execute function refresh_queue_new();
create trigger refresh_queue_update after update on events
  referencing old table as old_rows new table as new_rows for each statement execute function refresh_queue_moved();

-- Timeline entries of events (ref_type 'event') are queued by the events trigger already: one
-- queue row per ingested event instead of two.
create function refresh_queue_new_interactions() returns trigger language plpgsql as $$
begin
  if (select count(*) from new_rows) > 2000 then
    insert into contact_refresh_queue (workspace_id, contact_id) select distinct workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from new_rows;
    return null;
  end if;
  insert into contact_refresh_queue (workspace_id, contact_id)
  select distinct workspace_id, contact_id from new_rows where contact_id is not null and ref_type is distinct from 'event';
  return null;
end $$;

create trigger refresh_queue_insert after insert on interactions
  referencing new table as new_rows for each statement execute function refresh_queue_new_interactions();
create trigger refresh_queue_update after update on interactions
  referencing old table as old_rows new table as new_rows for each statement execute function refresh_queue_moved();
create trigger refresh_queue_delete after delete on interactions
  referencing old table as old_rows for each statement execute function refresh_queue_old();

create trigger refresh_queue_insert after insert on orders
  referencing new table as new_rows for each statement execute function refresh_queue_new();
create trigger refresh_queue_update after update on orders
  referencing old table as old_rows new table as new_rows for each statement execute function refresh_queue_moved();
create trigger refresh_queue_delete after delete on orders
  referencing old table as old_rows for each statement execute function refresh_queue_old();

-- Figures recomputed without an order write (payments, a repair job) still reach the rules.
create trigger refresh_queue_insert after insert on contact_order_stats
  referencing new table as new_rows for each statement execute function refresh_queue_new();
create trigger refresh_queue_update after update on contact_order_stats
  referencing old table as old_rows new table as new_rows for each statement execute function refresh_queue_moved();

-- Profile, tags, custom attributes, consent, merge (merged_into) and deletion all live on contacts.
create function refresh_queue_contacts() returns trigger language plpgsql as $$
begin
  if (select count(*) from new_rows) > 2000 then
    insert into contact_refresh_queue (workspace_id, contact_id) select distinct workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from new_rows;
    return null;
  end if;
  insert into contact_refresh_queue (workspace_id, contact_id)
  select workspace_id, id from new_rows
  union
  select workspace_id, merged_into from new_rows where merged_into is not null;
  return null;
end $$;

create trigger refresh_queue_insert after insert on contacts
  referencing new table as new_rows for each statement execute function refresh_queue_contacts();
create trigger refresh_queue_update after update on contacts
  referencing old table as old_rows new table as new_rows for each statement execute function refresh_queue_contacts();

-- Segment-in-segment: a change of membership of a segment that other segments refer to (a static
-- list edited by hand, a segment rebuilt after its rule was saved) re-evaluates those customers.
-- The incremental refresh itself already walks segments in dependency order, so it sets
-- rapport.refreshing for its transaction and is not queued again.
create function refresh_queue_members() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('rapport.refreshing', true), '') = 'on' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    if (select count(*) from new_rows) > 2000 then
      insert into contact_refresh_queue (workspace_id, contact_id)
      select distinct m.workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from new_rows m
       where m.segment_id in (select unnest(s.depends_on) from segments s);
      return null;
    end if;
    insert into contact_refresh_queue (workspace_id, contact_id)
    select distinct m.workspace_id, m.contact_id from new_rows m
     where m.segment_id in (select unnest(s.depends_on) from segments s);
  else
    if (select count(*) from old_rows) > 2000 then
      insert into contact_refresh_queue (workspace_id, contact_id)
      select distinct m.workspace_id, '00000000-0000-0000-0000-000000000000'::uuid from old_rows m
       where m.segment_id in (select unnest(s.depends_on) from segments s);
      return null;
    end if;
    insert into contact_refresh_queue (workspace_id, contact_id)
    select distinct m.workspace_id, m.contact_id from old_rows m
     where m.segment_id in (select unnest(s.depends_on) from segments s);
  end if;
  return null;
end $$;

create trigger refresh_queue_insert after insert on segment_members
  referencing new table as new_rows for each statement execute function refresh_queue_members();
create trigger refresh_queue_delete after delete on segment_members
  referencing old table as old_rows for each statement execute function refresh_queue_members();

-- Ingestion speed (bench/ingest.ts). A foreign-key check is a per-row lookup plus a row lock
-- (FOR KEY SHARE) on the referenced row: for an ingested event that meant locking its customer
-- twice (events, then its timeline entry) and the workspace row twice, every lock dirtying a
-- contacts page, from every concurrent group commit at once. Measured on 1,000-event inserts:
-- the contact checks alone were a third of the statement. They guard nothing the schema does not
-- already guard (see 0012): contacts and workspaces are never deleted, only marked, and every
-- writer takes these ids from a row it has just read (a resolved identity, a write key's source,
-- a contact the service looked up). interactions.author_user_id keeps its reference: users can go.
alter table events drop constraint events_workspace_id_fkey;
alter table events drop constraint events_contact_id_fkey;
alter table interactions drop constraint interactions_workspace_id_fkey;
alter table interactions drop constraint interactions_contact_id_fkey;
