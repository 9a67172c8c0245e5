"""Silver stage I/O: table locations, the consumer checkpoint and each dataset's writes.

All writes go through lake.writes. Per dataset the quarantine is written first, then silver,
then (replay) the quarantine rows are marked replayed; the stage saves the checkpoint last.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession

from scout_spark.config import Config
from scout_spark.context import RunContext
from scout_spark.lake.tables import delta_target, read_pinned, table_path
from scout_spark.lake.writes import (
    append,
    merge,
    operation_metrics,
    overwrite,
    read_version,
    table_version,
)
from scout_spark.layers.silver.dedup import (
    INGEST_ORDER,
    SILVER_SCHEMAS,
    VERSION_ORDER,
    build_latest_passing,
    build_update_condition,
    business_columns,
    newer_condition,
)
from scout_spark.layers.silver.rules import (
    filter_passing,
    filter_quarantined,
    select_quarantine_rows,
    select_replay_marks,
)
from scout_spark.layers.silver.scd import (
    SCD2_COLUMNS,
    build_customer_changes,
    build_customer_history,
    filter_touched_customers,
)
from scout_spark.results import TableVersions
from scout_spark.schemas import SILVER_CUSTOMERS_SCHEMA

CONSUMER = "silver"
# Dimensions and items first: the transactions' warn checks look them up.
WRITE_ORDER = ("stores", "customers", "items", "transactions")
UPDATE_CONDITIONS = {
    "transactions": build_update_condition(
        order=VERSION_ORDER, compare=business_columns(SILVER_SCHEMAS["transactions"])
    ),
    "items": build_update_condition(
        order=VERSION_ORDER, compare=business_columns(SILVER_SCHEMAS["items"])
    ),
    # SCD type 1: the latest snapshot file wins (an identical later snapshot refreshes lineage).
    "stores": newer_condition(INGEST_ORDER[:1]),
}


def read_current(spark: SparkSession, config: Config, dataset: str) -> DataFrame:
    """Silver `dataset` pinned at its current version; an empty frame when missing."""
    name = f"silver/{dataset}"
    return read_pinned(spark, config, name, table_version(spark, table_path(config, name)))


@dataclass(frozen=True)
class DatasetWrite:
    """Versions of the tables one dataset's writes touched, and what the MERGE did."""

    tables: dict[str, TableVersions] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)


def _write_quarantine(
    ctx: RunContext, mode: str, dataset: str, checked_df: DataFrame
) -> TableVersions:
    spark = ctx.spark
    quarantine = delta_target(ctx.config, f"silver/{dataset}_quarantine")
    rows_df = checked_df.transform(filter_quarantined).transform(
        select_quarantine_rows,
        dataset=dataset,
        run_id=ctx.who.run_id,
        quarantined_at=ctx.who.started_at,
    )
    if mode == "full_refresh":
        return overwrite(spark, quarantine, rows_df)
    # Idempotent by content, not by a txn key: a rerun after a crash before the checkpoint
    # (bronze may have moved since), a reprocessed date range, or a batch re-read after a
    # rollback (RESTORE keeps txn keys) meets rows quarantined before: add only new _row_ids.
    if table_version(spark, quarantine.path) is not None:
        known_df = read_version(spark, quarantine.path).select("_row_id")
        rows_df = rows_df.join(known_df, on="_row_id", how="left_anti")
    return append(spark, quarantine, rows_df)


def _write_customers(ctx: RunContext, mode: str, checked_df: DataFrame) -> TableVersions:
    spark, customers = ctx.spark, delta_target(ctx.config, "silver/customers")
    batch_df = build_latest_passing(checked_df, dataset="customers")
    if mode == "full_refresh":
        empty_df = spark.createDataFrame([], SILVER_CUSTOMERS_SCHEMA)
        return overwrite(spark, customers, build_customer_history(batch_df, history_df=empty_df))
    touched_df = filter_touched_customers(
        read_current(spark, ctx.config, "customers"), batch_df=batch_df
    )
    changes_df = build_customer_changes(
        build_customer_history(batch_df, history_df=touched_df), history_df=touched_df
    )
    return merge(
        spark, customers, changes_df,
        delete_condition="s._action = 'delete'",
        update_condition="s._action = 'upsert'",
        insert_condition="s._action = 'upsert'",
        columns=SCD2_COLUMNS,
    )  # fmt: skip


def _write_silver(ctx: RunContext, mode: str, dataset: str, checked_df: DataFrame) -> TableVersions:
    if dataset == "customers":
        return _write_customers(ctx, mode, checked_df)
    silver = delta_target(ctx.config, f"silver/{dataset}")
    source_df = build_latest_passing(checked_df, dataset=dataset)
    if mode == "full_refresh":
        return overwrite(ctx.spark, silver, source_df)
    return merge(ctx.spark, silver, source_df, update_condition=UPDATE_CONDITIONS[dataset])


NOTHING_MERGED = {"rows_inserted": "0", "rows_updated": "0", "rows_deleted": "0"}


def _merge_metrics(spark: SparkSession, path: str, versions: TableVersions) -> dict[str, str]:
    """What the silver commit did to the table's rows (Delta's operation metrics)."""
    if versions.after is None or versions.after == versions.before:
        return dict(NOTHING_MERGED)
    found = operation_metrics(spark, path, versions.after)
    if "numTargetRowsInserted" not in found:  # a create or overwrite: every row is new
        found = {"numTargetRowsInserted": found.get("numOutputRows", "0")}
    return {
        "rows_inserted": found.get("numTargetRowsInserted", "0"),
        "rows_updated": found.get("numTargetRowsUpdated", "0"),
        "rows_deleted": found.get("numTargetRowsDeleted", "0"),
    }


def write_dataset(
    ctx: RunContext,
    mode: str,
    dataset: str,
    checked_df: DataFrame,
    *,
    quarantined: int,
    passing: int,
    check_lock: Callable[[], None],
) -> DatasetWrite:
    """Quarantine, then silver, then (replay) the replayed marks, for one checked dataset.

    A write with no rows is skipped (commits cost seconds), except in a full refresh, which
    must replace the tables even with nothing. `check_lock` runs before each commit.
    """
    tables: dict[str, TableVersions] = {}
    rebuild = mode == "full_refresh"
    if mode != "replay" and (quarantined or rebuild):
        check_lock()
        tables[f"silver/{dataset}_quarantine"] = _write_quarantine(ctx, mode, dataset, checked_df)
    if not (passing or rebuild):
        return DatasetWrite(tables=tables, metrics=dict(NOTHING_MERGED))
    check_lock()
    silver = _write_silver(ctx, mode, dataset, checked_df)
    tables[f"silver/{dataset}"] = silver
    if mode == "replay":
        quarantine = delta_target(ctx.config, f"silver/{dataset}_quarantine")
        marks_df = filter_passing(checked_df).transform(
            select_replay_marks, run_id=ctx.who.run_id, replayed_at=ctx.who.started_at
        )
        check_lock()
        tables[quarantine.name] = merge(
            ctx.spark, quarantine, marks_df,
            update_condition="t.replayed_at IS NULL", insert=False,
            columns=("replayed_at", "replay_run_id"),
        )  # fmt: skip
    metrics = _merge_metrics(ctx.spark, table_path(ctx.config, f"silver/{dataset}"), silver)
    return DatasetWrite(tables=tables, metrics=metrics)
