-- Operational tables the dashboard reads, and the publish log (ours, not the dashboard's).

CREATE TABLE IF NOT EXISTS etl_monitoring (
    run_id text NOT NULL,
    stage text NOT NULL,
    pipeline_name text,
    env text,
    status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    records_processed bigint,
    records_read bigint,
    records_written bigint,
    records_quarantined bigint,
    duplicates_collapsed bigint,
    duration_seconds double precision,
    error_message text,
    started_at timestamptz,
    finished_at timestamptz,
    lake_version bigint,
    PRIMARY KEY (run_id, stage)
);
CREATE INDEX IF NOT EXISTS etl_monitoring_by_start ON etl_monitoring (started_at);

CREATE TABLE IF NOT EXISTS etl_pipelines (
    pipeline_name text PRIMARY KEY,
    env text,
    source_path_pattern text,
    schedule_cron text,
    enabled boolean,
    updated_at timestamptz
);

CREATE TABLE IF NOT EXISTS data_lake_registry (
    table_name text PRIMARY KEY,
    layer text,
    location text,
    delta_version bigint,
    record_count bigint,
    data_quality_score double precision,
    last_updated timestamptz
);

-- One row per publish (or skip): the lake version of every source table it published,
-- written in the same transaction as the rows it describes.
CREATE TABLE IF NOT EXISTS publish_log (
    publish_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('published', 'skipped')),
    mode text NOT NULL,
    lake_versions jsonb NOT NULL,
    window_start date,
    rows_published bigint NOT NULL DEFAULT 0,
    tables jsonb NOT NULL DEFAULT '{}'::jsonb,
    ledger_watermark timestamptz,
    started_at timestamptz NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS publish_log_by_run ON publish_log (run_id);
