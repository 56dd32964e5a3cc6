-- The membership history chart reads a segment's entries and exits of the last N days. By
-- (segment_id, id) that meant every history row the segment ever had; a big segment rebuilt daily
-- collects millions. By time, the chart reads only the window it draws.
create index segment_membership_events_segment_at on segment_membership_events (segment_id, at);
