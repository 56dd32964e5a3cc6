-- Tracked events are no longer copied into interactions: the customer's timeline reads them from
-- events directly (src/contacts/timeline.ts merges the two by occurred_at, id). The copy was
-- a second heap row, three more index entries (one at a random page per customer) and a second
-- trigger for every ingested event: about a third of the ingestion statement's CPU and WAL
-- (measured on 1,000-event groups at 1M customers, bench/ingest.ts).
--
-- The existing copies go, or the timeline would show every old event twice. Membership does not
-- change by it (the rules now read events where they read the copies), so the deletion is not
-- queued for a refresh.
alter table interactions disable trigger refresh_queue_delete;
delete from interactions where ref_type = 'event';
alter table interactions enable trigger refresh_queue_delete;

-- Events stored under a customer who was later merged away (merges before src/contacts/merge.ts
-- re-pointed events too) are found by the kept customer's timeline and event stream through this.
-- Merges are rare: it is tiny.
create index contacts_merged_into on contacts (merged_into) where merged_into is not null;
