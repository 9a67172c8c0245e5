"""Benchmark section: a small correction set applied to silver/transactions by our silver
MERGE versus rewriting the whole table with the same changes (goal: MERGE / rewrite <= 0.25).

The change set is what pipeline_semantics.md calls a correction: a later version of an
existing transaction. round(rows * fraction) transactions are picked deterministically,
recent dates first: among the transactions of the latest `days` business dates (`transaction_ts`
in config.timezone), those with the lowest xxhash64(transaction_id); older dates contribute
only when those dates hold too few rows. Each picked row gets total_amount + 1.00,
updated_at one hour after its old updated_at (or after transaction_ts when that was null)
and the lineage of a new source file ingested now, so the MERGE's update condition (a
newer version and a changed business column) holds for each: rows_updated = changed_rows.

Both ways run on their own copy of the table (shutil.copytree of the Delta folder) in
`scratch`; the lake is only read. The MERGE is the silver stage's own call
(lake.writes.merge with silver's keys and update condition for transactions); the rewrite
reads the table, swaps the changed rows and overwrites it (lake.writes.overwrite).
"""

import dataclasses
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.lake import delta_sql
from scout_spark.lake.tables import delta_target, table, table_path
from scout_spark.lake.writes import DeltaTarget, merge, operation_metrics, overwrite, read_version
from scout_spark.pipelines.silver_writes import UPDATE_CONDITIONS

DATASET = "transactions"
KEYS = table(f"silver/{DATASET}").keys
CORRECTION_DAYS = 7  # corrections arrive for recent business dates
CORRECTION_FILE = "bench://silver-merge/corrections.parquet"
RUN_ID = "bench-silver-merge"


def _local_dir(uri: str) -> Path:
    """The local folder of a file:// URI or plain path (the benchmark copies folders)."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        raise ValueError(f"silver_merge benchmark needs a local lake, got {uri}")
    return Path(unquote(parsed.path))


def _target(config: Config, path: str) -> DeltaTarget:
    """silver/transactions at `path`, as the silver stage defines it (keys, row order)."""
    return dataclasses.replace(delta_target(config, f"silver/{DATASET}"), path=path)


def _num_files(spark: SparkSession, path: str) -> int:
    """Data files in the table's current version."""
    row = delta_sql.detail(spark, path).select("numFiles").first()
    return int(row["numFiles"]) if row is not None else 0


def build_corrections(
    silver_df: DataFrame, count: int, *, days: int, timezone: str, now: datetime
) -> DataFrame:
    """`count` corrected versions of silver rows (see the module docstring), silver schema."""
    day = F.to_date(F.from_utc_timestamp("transaction_ts", timezone))
    latest = silver_df.agg(F.max(day)).first()
    recent = day > F.date_sub(F.lit(latest[0] if latest else None), days)
    picked_df = silver_df.orderBy(
        F.coalesce(recent, F.lit(False)).desc(), F.xxhash64("transaction_id"), "transaction_id"
    ).limit(count)
    changed = {
        "total_amount": (F.col("total_amount") + F.lit(1)).cast("decimal(14,2)"),
        "updated_at": F.coalesce("updated_at", "transaction_ts") + F.expr("INTERVAL 1 HOUR"),
        "_source_file": F.lit(CORRECTION_FILE),
        "_source_modified_at": F.lit(now),
        "_ingested_at": F.lit(now),
        "_run_id": F.lit(RUN_ID),
    }
    return picked_df.select(
        *[
            changed.get(c, F.col(c)).cast(silver_df.schema[c].dataType).alias(c)
            for c in silver_df.columns
        ]
    )


def _commit_metrics(spark: SparkSession, path: str, version: int | None) -> dict[str, int]:
    """The operationMetrics of commit `version`, as integers."""
    return {k: int(v) for k, v in operation_metrics(spark, path, version).items() if v.isdigit()}


def _timed_merge(spark: SparkSession, target: DeltaTarget, changes_df: DataFrame) -> dict[str, Any]:
    """Our silver MERGE of the change set into `target`."""
    started = time.perf_counter()
    versions = merge(spark, target, changes_df, update_condition=UPDATE_CONDITIONS[DATASET])
    seconds = time.perf_counter() - started
    found = _commit_metrics(spark, target.path, versions.after)
    return {
        "seconds": seconds,
        "files_removed": found.get("numTargetFilesRemoved", 0),
        "files_added": found.get("numTargetFilesAdded", 0),
        "rows_updated": found.get("numTargetRowsUpdated", 0),
        "rows_inserted": found.get("numTargetRowsInserted", 0),
        "rows_copied": found.get("numTargetRowsCopied", 0),
        "deletion_vectors_added": found.get("numTargetDeletionVectorsAdded", 0),
    }


def _timed_rewrite(
    spark: SparkSession, target: DeltaTarget, changes_df: DataFrame
) -> dict[str, Any]:
    """Read the whole table, replace the changed rows, overwrite `target` with them."""
    started = time.perf_counter()
    table_df = read_version(spark, target.path)
    kept_df = table_df.join(
        changes_df.select(*KEYS),
        list(KEYS),
        "left_anti",
    )
    versions = overwrite(spark, target, kept_df.unionByName(changes_df))
    seconds = time.perf_counter() - started
    found = _commit_metrics(spark, target.path, versions.after)
    return {
        "seconds": seconds,
        "files_removed": found.get("numRemovedFiles", 0),
        "files_added": found.get("numFiles", 0),
        "rows_written": found.get("numOutputRows", 0),
    }


def _same_rows(spark: SparkSession, left: str, right: str) -> bool:
    """Whether two tables hold the same rows (as multisets); False when they cannot compare."""
    try:
        left_df, right_df = read_version(spark, left), read_version(spark, right)
        right_df = right_df.select(*left_df.columns)
        return left_df.exceptAll(right_df).isEmpty() and right_df.exceptAll(left_df).isEmpty()
    except Exception:
        return False


def measure_silver_merge(
    spark: SparkSession,
    config: Config,
    scratch: Path,
    fraction: float = 0.01,
    *,
    days: int = CORRECTION_DAYS,
) -> dict[str, Any]:
    """MERGE vs full rewrite of a `fraction` correction set on copies of silver/transactions.

    config's lake holds silver/transactions (local); scratch: an empty folder; `days`: how
    many latest dates the corrections are drawn from (see the module docstring). Returns
    {"rows", "changed_rows", "correction_days", "files_before",
    "merge": {"seconds", "files_removed", "files_added", "rows_updated", "rows_inserted",
    "rows_copied", "deletion_vectors_added"},
    "rewrite": {"seconds", "files_removed", "files_added", "rows_written"},
    "changes_applied": rows_updated == changed_rows, "same_result", "ratio"}.
    """
    source = _local_dir(table_path(config, f"silver/{DATASET}"))
    merge_path = (scratch / "merge" / DATASET).as_uri()
    rewrite_path = (scratch / "rewrite" / DATASET).as_uri()
    shutil.copytree(source, scratch / "merge" / DATASET)
    shutil.copytree(source, scratch / "rewrite" / DATASET)

    silver_df = read_version(spark, merge_path)
    rows = silver_df.count()
    count = round(rows * fraction)
    # Materialised once, so both ways read the same rows and neither pays for picking them.
    changes_uri = (scratch / "changes.parquet").as_uri()
    build_corrections(
        silver_df, count, days=days, timezone=config.timezone, now=datetime.now(UTC)
    ).write.parquet(changes_uri)
    changes_df = spark.read.parquet(changes_uri)
    changed_rows = changes_df.count()
    files_before = _num_files(spark, merge_path)

    merged = _timed_merge(spark, _target(config, merge_path), changes_df)
    # The rewrite skips silver's sort by time: the cheaper rewrite, so the ratio never
    # flatters the MERGE.
    unsorted = dataclasses.replace(_target(config, rewrite_path), cluster_by=())
    rewritten = _timed_rewrite(spark, unsorted, changes_df)
    return {
        "rows": rows,
        "changed_rows": changed_rows,
        "correction_days": days,
        "files_before": files_before,
        "merge": merged,
        "rewrite": rewritten,
        "changes_applied": merged["rows_updated"] == changed_rows,
        "same_result": _same_rows(spark, merge_path, rewrite_path),
        "ratio": merged["seconds"] / rewritten["seconds"] if rewritten["seconds"] else float("inf"),
    }
