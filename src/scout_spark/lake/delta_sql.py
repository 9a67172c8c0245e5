"""Delta operations in SQL, so they run on any server: classic, Spark Connect, Databricks.

The Python `DeltaTable` API over Spark Connect needs Delta's Connect server plugin, which
open-source servers do not load (and Databricks brings its own): SQL needs only Delta's
SQL extension. Path-based tables are named delta.`<path>`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, Row, SparkSession

from scout_spark.runtime.jvm import delta_log_table_id, delta_log_version, is_connect

NOT_A_TABLE = ("DELTA_TABLE_ONLY_OPERATION", "DELTA_MISSING_DELTA_TABLE", "PATH_NOT_FOUND")


def table_ref(path: str) -> str:
    """delta.`<path>`, with backticks in the path doubled."""
    return "delta.`" + path.replace("`", "``") + "`"


def history(spark: SparkSession, path: str, limit: int | None = None) -> DataFrame:
    """DESCRIBE HISTORY, newest first (version, timestamp, operationMetrics, userMetadata...)."""
    suffix = f" LIMIT {int(limit)}" if limit is not None else ""
    return spark.sql(f"DESCRIBE HISTORY {table_ref(path)}{suffix}")


def commit_row(spark: SparkSession, path: str, version: int) -> Row | None:
    """The history row of commit `version` (None when the log no longer holds it). Rows
    are collected as they are: a projection over DESCRIBE HISTORY costs a second job."""
    latest = history(spark, path, 1).collect()
    if latest and latest[0]["version"] == version:
        return latest[0]
    return next((r for r in history(spark, path).collect() if r["version"] == version), None)


def detail(spark: SparkSession, path: str) -> DataFrame:
    """DESCRIBE DETAIL: one row (numFiles, sizeInBytes, properties...)."""
    return spark.sql(f"DESCRIBE DETAIL {table_ref(path)}")


def size_in_bytes(spark: SparkSession, path: str) -> int:
    """The bytes of the files of the table's latest version (DESCRIBE DETAIL)."""
    return int(detail(spark, path).select("sizeInBytes").first()[0])  # type: ignore[index]


def table_id(spark: SparkSession, path: str) -> str:
    """The id of the Delta table at `path`: every commit keeps it; a table created again at
    the path (its folder deleted, or another lake there) gets a new one. A classic session
    reads the driver's Delta log; over Connect, DESCRIBE DETAIL answers (it lists the
    table's files)."""
    if is_connect(spark):
        return str(detail(spark, path).select("id").first()[0])  # type: ignore[index]
    found = delta_log_table_id(spark, path)
    if found is None:
        raise ValueError(f"no Delta table at {path}")
    return found


def latest_version(spark: SparkSession, path: str) -> int | None:
    """The latest committed version of the Delta table at `path`; None when there is no
    table (any other failure is raised, not hidden). A classic session reads the driver's
    Delta log (no Spark job); over Connect, DESCRIBE HISTORY answers (one job)."""
    if is_connect(spark):
        return history_version(spark, path)
    return delta_log_version(spark, path)


def history_version(spark: SparkSession, path: str) -> int | None:
    """latest_version through DESCRIBE HISTORY: any session, one Spark job."""
    try:
        rows = history(spark, path, 1).collect()
    except AnalysisException as exc:
        if (exc.getCondition() or "") in NOT_A_TABLE or "is not a Delta table" in str(exc):
            return None
        raise
    return int(rows[0]["version"]) if rows else None


def is_delta_table(spark: SparkSession, path: str) -> bool:
    """True when a Delta table is at `path` (any other failure is raised, not hidden)."""
    return latest_version(spark, path) is not None


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def merge_statement(
    path: str,
    source: str,
    on: str,
    *,
    update_condition: str | None,
    insert: bool,
    delete_condition: str | None,
    insert_condition: str | None,
    columns: Sequence[str] | None,
) -> str:
    """MERGE INTO the table (alias t) USING the view `source` (alias s), as DeltaTable.merge."""
    clauses = [f"MERGE INTO {table_ref(path)} AS t USING {_q(source)} AS s ON {on}"]
    if delete_condition is not None:
        clauses.append(f"WHEN MATCHED AND ({delete_condition}) THEN DELETE")
    matched = "WHEN MATCHED" + (f" AND ({update_condition})" if update_condition else "")
    if columns is None:
        clauses.append(f"{matched} THEN UPDATE SET *")
    else:
        assignments = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in columns)
        clauses.append(f"{matched} THEN UPDATE SET {assignments}")
    if insert:
        unmatched = "WHEN NOT MATCHED" + (f" AND ({insert_condition})" if insert_condition else "")
        if columns is None:
            clauses.append(f"{unmatched} THEN INSERT *")
        else:
            names = ", ".join(_q(c) for c in columns)
            values = ", ".join(f"s.{_q(c)}" for c in columns)
            clauses.append(f"{unmatched} THEN INSERT ({names}) VALUES ({values})")
    return "\n".join(clauses)


def merge(spark: SparkSession, path: str, source_df: DataFrame, on: str, **clauses: object) -> None:
    """Run merge_statement with `source_df` as a temporary view of this call's own."""
    view = f"scout_merge_source_{uuid.uuid4().hex}"
    source_df.createOrReplaceTempView(view)
    try:
        spark.sql(merge_statement(path, view, on, **clauses)).collect()  # type: ignore[arg-type]
    finally:
        spark.catalog.dropTempView(view)
