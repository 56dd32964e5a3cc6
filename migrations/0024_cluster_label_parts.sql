-- A group's name as parts (e.g. {"kind":"habit","habit":"frequentBuyers","status":"lapsed",...};
-- src/insights/labels.ts), so each reader's language can word it. `label` keeps the English
-- wording for API clients. Groups found before this migration have none: the server reads their
-- parts back from the English label.
alter table insight_clusters add column label_parts jsonb;
