-- The workspace event stream (GET /api/v1/events) filters by time window and by type. Without
-- these, "since an hour ago" and a rare type (alias, group) scanned every event of the
-- workspace: seconds at 10M events. Both keys grow at their right edge as events arrive (time
-- and id increase), so ingestion appends to a few hot pages instead of touching random ones.
create index events_ws_time on events (workspace_id, occurred_at, id);
create index events_ws_type on events (workspace_id, type, id);
