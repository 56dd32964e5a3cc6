-- Indexes behind the contact list and search (src/contacts/queries.ts), chosen so that every list
-- page is an ordered index range scan that stops after `limit` rows, even with 1,000,000 people.

-- Search by a later word of the name: a person's last name, else what follows the first word
-- (a company's second word). The expression is repeated verbatim in queries.ts (LATER_WORD).
create index contacts_ws_later_word on contacts
  (workspace_id, (lower(coalesce(nullif(last_name, ''), substr(name, strpos(name, ' ') + 1)))) text_pattern_ops, id)
  where merged_into is null and deleted_at is null;

-- Companies are a small minority of contacts: without their own partial indexes a company list
-- would walk the shared name/created indexes past every person.
create index contacts_ws_company_name on contacts (workspace_id, lower(name) text_pattern_ops, id)
  where kind = 'company' and merged_into is null and deleted_at is null;
create index contacts_ws_company_created on contacts (workspace_id, created_at desc, id desc)
  where kind = 'company' and merged_into is null and deleted_at is null;

-- "My customers": an owner's contacts in name order.
create index contacts_ws_owner_name on contacts (workspace_id, owner_id, lower(name) text_pattern_ops, id)
  where owner_id is not null and merged_into is null and deleted_at is null;

-- Filters on custom attributes (attr.key=value) become jsonb containment.
create index contacts_attributes on contacts using gin (attributes jsonb_path_ops);

-- Tag filters in name order. A GIN index on contacts.tags finds a tag's contacts but not in name
-- order: a rare tag then meant walking the name index past thousands of rows (0.7 s at 1M people
-- for a 1% tag). This side table, kept by a trigger so every writer (API, importer, demo data)
-- maintains it, makes a tagged list an ordered range scan and tag counts an index-only scan.
create table contact_tags (
  workspace_id uuid not null references workspaces(id),
  kind text not null,
  tag text not null,
  name_key text not null,              -- lower(contacts.name), the list's sort key
  contact_id uuid not null references contacts(id)
);
create index contact_tags_contact on contact_tags (contact_id);
create index contact_tags_list on contact_tags (workspace_id, kind, tag, name_key text_pattern_ops, contact_id);

create function contact_tags_sync() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if new.tags is not distinct from old.tags and new.name = old.name and new.kind = old.kind
       and new.merged_into is not distinct from old.merged_into and new.deleted_at is not distinct from old.deleted_at then
      return null;
    end if;
    delete from contact_tags where contact_id = old.id;
  end if;
  if new.merged_into is null and new.deleted_at is null and cardinality(new.tags) > 0 then
    insert into contact_tags (workspace_id, kind, tag, name_key, contact_id)
    select distinct new.workspace_id, new.kind, t, lower(new.name), new.id from unnest(new.tags) as t;
  end if;
  return null;
end $$;

create trigger contact_tags_sync after insert or update on contacts
  for each row execute function contact_tags_sync();

insert into contact_tags (workspace_id, kind, tag, name_key, contact_id)
select distinct c.workspace_id, c.kind, t, lower(c.name), c.id
from contacts c cross join lateral unnest(c.tags) as t
where c.merged_into is null and c.deleted_at is null;
