-- Bulk writes to contacts (the CSV import: 1,000,000 people) paid for an index no query reads
-- and for a per-row trigger. Both are replaced here; every read plan stays as it was.

-- Search inside names is by prefix (contacts_ws_name, contacts_ws_later_word) and segment
-- "contains" filters use strpos(), which a trigram index cannot serve: nothing reads this index,
-- while it cost every insert a dozen GIN entries.
drop index if exists contacts_name_trgm;

-- contact_tags stays trigger-maintained (every writer keeps it right without knowing about it),
-- but per statement instead of per row: one set-based insert/delete over the statement's
-- transition tables, so an INSERT … SELECT of 50,000 contacts runs one plan, not 50,000
-- PL/pgSQL calls. Transition tables allow one event per trigger, hence two triggers.
drop trigger contact_tags_sync on contacts;
drop function contact_tags_sync();

create function contact_tags_after_insert() returns trigger language plpgsql as $$
begin
  insert into contact_tags (workspace_id, kind, tag, name_key, contact_id)
  select distinct n.workspace_id, n.kind, t, lower(n.name), n.id
    from new_rows n cross join lateral unnest(n.tags) as t
   where n.merged_into is null and n.deleted_at is null;
  return null;
end $$;

create function contact_tags_after_update() returns trigger language plpgsql as $$
begin
  -- Only rows whose tags, list key or liveness changed: most updates (a phone number, an
  -- attribute) leave contact_tags alone. contact_tags has no unique key, so the delete and the
  -- insert can share one statement.
  with changed as (
    select n.* from new_rows n join old_rows o on o.id = n.id
     where (n.tags, n.name, n.kind, n.merged_into, n.deleted_at) is distinct from (o.tags, o.name, o.kind, o.merged_into, o.deleted_at)
  ), gone as (
    -- = any(array(…)) is an index probe per changed contact; a join here was planned as a hash
    -- join over all of contact_tags (0.4 s per single-contact update at 1M contacts).
    delete from contact_tags t where t.contact_id = any (array(select c.id from changed c))
  )
  insert into contact_tags (workspace_id, kind, tag, name_key, contact_id)
  select distinct n.workspace_id, n.kind, t, lower(n.name), n.id
    from changed n cross join lateral unnest(n.tags) as t
   where n.merged_into is null and n.deleted_at is null;
  return null;
end $$;

create trigger contact_tags_after_insert after insert on contacts
  referencing new table as new_rows for each statement execute function contact_tags_after_insert();
create trigger contact_tags_after_update after update on contacts
  referencing old table as old_rows new table as new_rows for each statement execute function contact_tags_after_update();

-- Foreign-key checks are per row (a key lookup plus a row lock each) and cost as much as the
-- rows themselves on a bulk load. These three guard nothing the schema does not already guard:
-- - contact_tags is derived data, written only by the triggers above from a contacts row that
--   exists in that very statement (contacts are never deleted, only marked), so its rows cannot
--   name a missing contact or workspace;
-- - contact_identities.contact_id still references contacts, whose workspace_id references
--   workspaces: the identity's own workspace_id reference added only a second lock per row.
alter table contact_tags drop constraint contact_tags_workspace_id_fkey;
alter table contact_tags drop constraint contact_tags_contact_id_fkey;
alter table contact_identities drop constraint contact_identities_workspace_id_fkey;
