"""A Delta table's latest version from the classic driver's Delta log: no Spark job.

`DESCRIBE HISTORY` answers the same through SQL (lake/delta_sql.py, the Connect path), but
reads the commit files in a Spark job of its own; the stages look a version up before and
after every write, so on a classic session they ask the driver's `DeltaLog` instead.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import SparkSession

from scout_spark.runtime.jvm.driver import is_connect


def delta_log_version(spark: SparkSession, path: str) -> int | None:
    """The latest committed version of the Delta table at `path` (its log listed now);
    None when no table is there. Classic sessions only (ValueError over Connect)."""
    if is_connect(spark):
        raise ValueError("delta_log_version needs a classic session: ask DESCRIBE HISTORY")
    jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
    none = jvm.scala.Option.empty()
    delta_log = jvm.org.apache.spark.sql.delta.DeltaLog.forTable(spark._jsparkSession, path)
    # update(stalenessAcceptable, checkIfUpdatedSinceTs, catalogTableOpt): a fresh listing.
    version = int(delta_log.update(False, none, none).version())
    return None if version < 0 else version
