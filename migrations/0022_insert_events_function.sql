-- Storing events, as one function: the group commit calls it as a single statement outside an
-- explicit transaction, so a group costs one round trip to the server instead of four (begin,
-- lock, insert, commit). On a 2 vCPU machine each round trip woke the other process and cost
-- more than a small group's insert itself.
--
-- One call, one transaction (the caller's, or its own when called alone):
-- 1. shared advisory locks on the identities the rows name (identify/alias take the same keys
--    exclusively before linking and back-filling, so an event is either inserted after the link
--    and resolves through it, or committed before the back-fill and is updated by it);
-- 2. the insert, as a later statement: in a VOLATILE function each statement takes a new
--    snapshot, so it sees a link committed while the locks were awaited. It resolves each row to
--    its customer (known id, else userId as external id 'segment:<userId>', else a stitched
--    anonymousId) and skips messageIds already stored.
-- Answers the newly stored rows (duplicates are absent).

-- The identity locks, one definition for both modes: the hashing must be the same for the shared
-- locks of ingestion and the exclusive ones of identify/alias. All keys in one sorted statement,
-- so two writers naming the same people in another order queue instead of deadlocking.
create function rapport_lock_identities(keys text[], exclusive boolean) returns void
language plpgsql volatile as $$
begin
  if cardinality(keys) = 0 then return; end if;
  if exclusive then
    perform count(pg_advisory_xact_lock(h)) from (select distinct hashtextextended(k, 727) as h from unnest(keys) k order by h) s;
  else
    perform count(pg_advisory_xact_lock_shared(h)) from (select distinct hashtextextended(k, 727) as h from unnest(keys) k order by h) s;
  end if;
end $$;

create function rapport_insert_events(payload jsonb, lock_keys text[])
returns table (stored_id bigint, stored_workspace uuid, stored_message text, stored_contact uuid)
language plpgsql volatile as $$
begin
  perform rapport_lock_identities(lock_keys, false);
  return query
    with r as (
      select * from jsonb_to_recordset(payload) as x(
        ord int, workspace_id uuid, message_id text, type text, event text, user_id text, anonymous_id text,
        properties jsonb, context jsonb, occurred_at timestamptz, contact_id uuid)
    ), resolved as (
      select r.*, coalesce(
        r.contact_id,
        (select ci.contact_id from contact_identities ci
          where ci.workspace_id = r.workspace_id and ci.kind = 'external' and ci.value = 'segment:' || r.user_id),
        (select coalesce(c.merged_into, c.id) from event_identities ei join contacts c on c.id = ei.contact_id
          where ei.workspace_id = r.workspace_id and ei.anonymous_id = r.anonymous_id and c.deleted_at is null)
      ) as resolved_contact
      from r
    )
    insert into events as e (workspace_id, message_id, type, event, contact_id, anonymous_id, user_id, properties, context, occurred_at)
    select rs.workspace_id, rs.message_id, rs.type, rs.event, rs.resolved_contact, rs.anonymous_id, rs.user_id, rs.properties, rs.context, rs.occurred_at
      from resolved rs order by rs.ord
    on conflict (workspace_id, message_id) do nothing
    returning e.id, e.workspace_id, e.message_id, e.contact_id;
end $$;
