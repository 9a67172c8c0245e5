"""A Delta table's latest version and id from the classic driver's Delta log: no Spark job.

`DESCRIBE HISTORY` and `DESCRIBE DETAIL` answer the same through SQL (lake/delta_sql.py,
the Connect path), but the first reads the commit files in a Spark job of its own and the
second the whole file list; the stages look a version up before and after every write,
and publish reads every source table's id, so on a classic session they ask the driver's
`DeltaLog` instead.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession

from scout_spark.runtime.jvm.driver import is_connect


def _snapshot(spark: SparkSession, path: str) -> Any:
    if is_connect(spark):
        raise ValueError("the driver's Delta log needs a classic session: ask DESCRIBE")
    jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
    none = jvm.scala.Option.empty()
    delta_log = jvm.org.apache.spark.sql.delta.DeltaLog.forTable(spark._jsparkSession, path)
    # update(stalenessAcceptable, checkIfUpdatedSinceTs, catalogTableOpt): a fresh listing.
    return delta_log.update(False, none, none)


def delta_log_version(spark: SparkSession, path: str) -> int | None:
    """The latest committed version of the Delta table at `path` (its log listed now);
    None when no table is there. Classic sessions only (ValueError over Connect)."""
    version = int(_snapshot(spark, path).version())
    return None if version < 0 else version


def delta_log_table_id(spark: SparkSession, path: str) -> str | None:
    """The id of the Delta table at `path` (its metadata; no file list); None when no table
    is there. Classic sessions only (ValueError over Connect)."""
    snapshot = _snapshot(spark, path)
    return None if int(snapshot.version()) < 0 else str(snapshot.metadata().id())
