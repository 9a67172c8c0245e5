"""Refresh etl_monitoring, data_lake_registry and etl_pipelines on every publish.

Rows are gathered from the run ledger and the Delta logs before the publish transaction
and upserted inside it; an upsert only touches a row whose values differ, so republishing
the same lake versions leaves these tables as they were. etl_pipelines holds the entries
of conf/pipelines.yaml for the config's env, plus the running pipeline
(config.pipeline_name) when the file does not list it. A table's data_quality_score is
that of the stage that last wrote it (ledger); a bronze table's is its share of rows
bronze could parse (no `_parse_error`), so every layer has a figure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import Connection, sql
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.lake import delta_sql
from scout_spark.lake.delta_sql import is_delta_table
from scout_spark.lake.writes import read_version
from scout_spark.parallel import for_each
from scout_spark.records.ledger import latest_ledger, ledger_path, read_ledger
from scout_spark.schedules import load_schedules, pipelines_file

# Ledger rows recorded up to this long before the last watermark are read again: another
# writer may commit a row stamped a little earlier than one already seen.
WATERMARK_SLACK = timedelta(hours=1)
SCHEDULE_CRON = "0 2 * * *"  # the running pipeline's row when conf/pipelines.yaml lacks it
MONITORING_COLUMNS = (
    "run_id", "stage", "pipeline_name", "env", "status", "records_processed", "records_read",
    "records_written", "records_quarantined", "duplicates_collapsed", "duration_seconds",
    "error_message", "started_at", "finished_at", "lake_version",
)  # fmt: skip
REGISTRY_COLUMNS = (
    "table_name", "layer", "location", "delta_version", "record_count", "data_quality_score",
    "last_updated",
)  # fmt: skip
PIPELINE_COLUMNS = ("pipeline_name", "env", "source_path_pattern", "schedule_cron", "enabled")


@dataclass(frozen=True)
class Refresh:
    """Rows to upsert, and the newest ledger time they cover."""

    monitoring: list[tuple[Any, ...]]
    registry: list[tuple[Any, ...]]
    pipelines: list[tuple[Any, ...]]
    watermark: datetime | None


def _ledger_rows(
    spark: SparkSession, config: Config, since: datetime | None
) -> tuple[list[Any], list[Any]]:
    """(latest row per run_id+stage recorded since `since`, latest succeeded row per table)."""
    if not is_delta_table(spark, ledger_path(config)):
        return [], []
    ledger_df = read_ledger(spark, config)
    recent_df = ledger_df if since is None else ledger_df.filter(F.col("recorded_at") > since)
    monitoring = latest_ledger(recent_df).collect()
    touched_df = (
        ledger_df.filter(F.col("status") == "succeeded")
        .select("recorded_at", "data_quality_score", F.explode("versions_after").alias("t", "v"))
        .groupBy("t")
        .agg(F.max_by(F.struct("v", "data_quality_score", "recorded_at"), "recorded_at").alias("r"))
    )
    return monitoring, touched_df.collect()


def aware(value: datetime | None) -> datetime | None:
    """A timestamp Spark collected (naive, this process's local time) as an aware UTC one."""
    return None if value is None else value.astimezone(UTC)


def monitoring_row(row: Any) -> tuple[Any, ...]:
    """A ledger row as an etl_monitoring row (lake_version: the highest version written)."""
    versions = list((row["versions_after"] or {}).values())
    return (
        row["run_id"], row["stage"], row["pipeline_name"], row["env"], row["status"],
        row["records_written"], row["records_read"], row["records_written"],
        row["records_quarantined"], row["duplicates_collapsed"], row["duration_seconds"],
        row["error_message"], aware(row["started_at"]), aware(row["finished_at"]),
        max(versions, default=None),
    )  # fmt: skip


def _commit_time(spark: SparkSession, path: str, version: int) -> datetime | None:
    row = delta_sql.commit_row(spark, path, version)
    return None if row is None else aware(row["timestamp"])


def _bronze_quality(table_df: DataFrame) -> tuple[int, float | None]:
    """(rows, share of them bronze parsed, i.e. without a _parse_error); None when empty."""
    row = table_df.agg(
        F.count(F.lit(1)).alias("rows"), F.count_if(F.col("_parse_error").isNull()).alias("ok")
    ).first()
    rows, parsed = (row["rows"], row["ok"]) if row else (0, 0)
    return rows, (parsed / rows if rows else None)


def pipeline_rows(config: Config) -> list[tuple[Any, ...]]:
    """etl_pipelines rows: the pipelines file's entries for config.env, then the running one."""
    path = pipelines_file()
    listed = load_schedules(path).for_env(config.env) if path.is_file() else ()
    rows = [(p.name, p.env, p.source_path_pattern, p.cron, p.enabled) for p in listed]
    if config.pipeline_name not in {p.name for p in listed}:
        pattern = config.source.datasets.transactions.patterns[0]
        rows.append((config.pipeline_name, config.env, pattern, SCHEDULE_CRON, True))
    return rows


def gather(
    spark: SparkSession,
    config: Config,
    versions: dict[str, int],
    since: datetime | None,
    registered: dict[str, int],
) -> Refresh:
    """Rows for the three tables; reads only lake tables whose version is not `registered`."""
    monitoring, touched = _ledger_rows(
        spark, config, None if since is None else since - WATERMARK_SLACK
    )
    latest = {r["t"]: r["r"] for r in touched}
    known = {**{t: int(r["v"]) for t, r in latest.items()}, **versions}
    due = sorted((n, v) for n, v in known.items() if registered.get(n) != v)

    def registry_row(item: tuple[str, int]) -> tuple[Any, ...] | None:
        name, version = item
        path = config.lake_path(*name.split("/"))
        if name not in versions and not is_delta_table(spark, path):
            return None  # named by the ledger, gone since
        table_df = read_version(spark, path, version)
        score = latest[name]["data_quality_score"] if name in latest else None
        layer = name.split("/")[0]
        if layer == "bronze" and "_parse_error" in table_df.columns:
            count, score = _bronze_quality(table_df)
        else:
            count = table_df.count()
        return (name, layer, path, version, count, score, _commit_time(spark, path, version))

    registry = [row for row in for_each(registry_row, due) if row is not None]
    pipelines = pipeline_rows(config)
    stamps = [aware(r["recorded_at"]) for r in monitoring]
    watermark = max([*stamps, *([since] if since else [])], default=None)
    return Refresh([monitoring_row(r) for r in monitoring], registry, pipelines, watermark)


def _names(columns: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(c) for c in columns)


def _upsert(
    conn: Connection,
    target: sql.Composable,
    columns: Sequence[str],
    keys: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    keep_when_null: Sequence[str] = (),
    stamp: str | None = None,
) -> int:
    """INSERT ... ON CONFLICT DO UPDATE of the rows that differ; returns rows changed."""
    others = [c for c in columns if c not in keys]
    new_values = [
        sql.SQL("COALESCE(EXCLUDED.{0}, t.{0})" if c in keep_when_null else "EXCLUDED.{0}").format(
            sql.Identifier(c)
        )
        for c in others
    ]
    stamped = [stamp] if stamp else []
    now = [sql.SQL("now()")] if stamp else []
    query = sql.SQL(
        "INSERT INTO {} AS t ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET ({}) = ROW({}) "
        "WHERE ({}) IS DISTINCT FROM ({})"
    ).format(
        target,
        _names([*columns, *stamped]),
        sql.SQL(", ").join([*(sql.Placeholder() for _ in columns), *now]),
        _names(keys),
        _names([*others, *stamped]),
        sql.SQL(", ").join([*new_values, *now]),
        sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in others),
        sql.SQL(", ").join(new_values),
    )
    changed = 0
    with conn.cursor() as cursor:
        for row in rows:
            changed += max(cursor.execute(query, row).rowcount, 0)
    return changed


def apply_refresh(conn: Connection, schema: str, refresh: Refresh, own_row: tuple[Any, ...]) -> int:
    """Inside the publish transaction: upsert the three tables and this publish's own row."""
    monitoring = sql.Identifier(schema, "etl_monitoring")
    changed = _upsert(
        conn, monitoring, MONITORING_COLUMNS, ("run_id", "stage"),
        [*refresh.monitoring, own_row], keep_when_null=("lake_version",),
    )  # fmt: skip
    changed += _upsert(
        conn, sql.Identifier(schema, "data_lake_registry"), REGISTRY_COLUMNS, ("table_name",),
        refresh.registry,
    )  # fmt: skip
    return changed + _upsert(
        conn, sql.Identifier(schema, "etl_pipelines"), PIPELINE_COLUMNS, ("pipeline_name",),
        refresh.pipelines, stamp="updated_at",
    )  # fmt: skip


def registered_versions(conn: Connection, schema: str) -> dict[str, int]:
    """table_name -> delta_version as data_lake_registry holds them now."""
    rows = conn.execute(
        sql.SQL("SELECT table_name, delta_version FROM {}").format(
            sql.Identifier(schema, "data_lake_registry")
        )
    ).fetchall()
    return {name: int(version) for name, version in rows if version is not None}
