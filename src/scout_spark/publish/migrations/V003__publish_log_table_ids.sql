-- The Delta table id of every source table a publish read: a table created anew at its
-- path (the lake deleted and rebuilt, another lake at the root) has a new id whatever its
-- version, so the next publish sends it whole instead of trusting the version alone.
ALTER TABLE publish_log ADD COLUMN IF NOT EXISTS lake_table_ids jsonb NOT NULL DEFAULT '{}'::jsonb;
