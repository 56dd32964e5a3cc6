-- A CSV import writes ~2.7 identities per person (e-mail, phone, customer number). Each identity
-- row paid for a foreign-key check (a key lookup in contacts plus a row lock that dirties the
-- contact's heap page again and writes WAL) and for three b-tree entries. Measured on a
-- 1,000,000-person import (PostgreSQL, 2 vCPU): the identity INSERT was the slowest statement
-- (27 s of 83 s), half of it the foreign-key check.

-- contact_id names a contact that every writer has just created or read in the same
-- transaction, and contacts are never deleted (only marked deleted or merged): the check guards
-- nothing the writers do not already guarantee. (0012 dropped the workspace reference for the
-- same reason.)
alter table contact_identities drop constraint contact_identities_contact_id_fkey;

-- One index for both uses: the key lookup (workspace, kind, value) and the prefix search as the
-- user types (value like 'aino%' within one kind, ordered by value), which text_pattern_ops
-- serves whatever the database collation. Equality is the same under both operator classes,
-- so uniqueness, ON CONFLICT (workspace_id, kind, value) and the lookups are unchanged.
create unique index contact_identities_key on contact_identities (workspace_id, kind, value text_pattern_ops);
alter table contact_identities drop constraint contact_identities_pkey;
drop index contact_identities_prefix;
alter table contact_identities replica identity using index contact_identities_key;
