-- How an uploaded CSV is read: its text encoding and field separator (src/imports/csv-format.ts).
-- Detected from the file at upload, or chosen by the user; null on imports made before this, which
-- are read as the detection finds them.
alter table imports add column csv_format jsonb;
