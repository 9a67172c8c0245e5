"""The one write path for Delta tables: append, replace-by-date and merge.

Each write returns the table's versions before and after, for the run ledger.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.ops.results import TableVersions


@dataclass(frozen=True)
class DeltaTarget:
    """A Delta table: where it lives, its business key and partitioning."""

    name: str  # ledger name, e.g. "silver/transactions"
    path: str
    keys: tuple[str, ...] = ()
    partition_by: tuple[str, ...] = ()
    date_column: str | None = None  # the column replace-by-date works on


def table_version(spark: SparkSession, path: str) -> int | None:
    """Latest committed version of the Delta table at `path`; None when there is no table."""
    if not DeltaTable.isDeltaTable(spark, path):
        return None
    row = DeltaTable.forPath(spark, path).history(1).select("version").first()
    return None if row is None else int(row["version"])


def _writer(df: DataFrame, target: DeltaTarget, mode: str):  # type: ignore[no-untyped-def]
    writer = df.write.format("delta").mode(mode)
    if target.partition_by:
        writer = writer.partitionBy(*target.partition_by)
    return writer


def append(
    spark: SparkSession,
    target: DeltaTarget,
    df: DataFrame,
    *,
    txn: tuple[str, int] | None = None,
    merge_schema: bool = False,
) -> TableVersions:
    """Append rows; with txn=(app_id, version) Delta skips a write it already committed."""
    before = table_version(spark, target.path)
    writer = _writer(df, target, "append")
    if txn is not None:
        writer = writer.option("txnAppId", txn[0]).option("txnVersion", txn[1])
    if merge_schema:
        writer = writer.option("mergeSchema", "true")
    writer.save(target.path)
    return TableVersions(before, table_version(spark, target.path))


def replace_dates(
    spark: SparkSession, target: DeltaTarget, df: DataFrame, dates: Sequence[date]
) -> TableVersions:
    """Atomically replace the rows of the given dates (in `target.date_column`) with `df`."""
    if target.date_column is None:
        raise ValueError(f"{target.name}: replace_dates needs a date_column")
    before = table_version(spark, target.path)
    if before is None:
        _writer(df, target, "overwrite").save(target.path)
    elif dates:
        listed = ", ".join(f"DATE'{d.isoformat()}'" for d in sorted(set(dates)))
        (
            _writer(df, target, "overwrite")
            .option("replaceWhere", f"{target.date_column} IN ({listed})")
            .save(target.path)
        )
    return TableVersions(before, table_version(spark, target.path))


def merge(
    spark: SparkSession,
    target: DeltaTarget,
    source_df: DataFrame,
    *,
    update_condition: str | None = None,
    insert: bool = True,
) -> TableVersions:
    """Upsert on target.keys; a matched row is updated only when `update_condition` holds.

    The source must hold at most one row per key (deduplicate first). Conditions refer to
    the target as `t` and the source as `s`. A missing table is created from the source.
    """
    if not target.keys:
        raise ValueError(f"{target.name}: merge needs keys")
    before = table_version(spark, target.path)
    if before is None:
        _writer(source_df, target, "overwrite").save(target.path)
        return TableVersions(None, table_version(spark, target.path))
    on = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in target.keys)
    builder = (
        DeltaTable.forPath(spark, target.path)
        .alias("t")
        .merge(source_df.alias("s"), on)
        .whenMatchedUpdateAll(condition=update_condition)
    )
    if insert:
        builder = builder.whenNotMatchedInsertAll()
    builder.execute()
    return TableVersions(before, table_version(spark, target.path))


def read_version(spark: SparkSession, path: str, version: int | None = None) -> DataFrame:
    """The table as of `version` (time travel), or its latest version."""
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    return reader.load(path)


def dates_in(df: DataFrame, column: str) -> list[date]:
    """Distinct dates of a (small, aggregated) frame's column, for replace_dates."""
    return [r[0] for r in df.select(column).distinct().where(F.col(column).isNotNull()).collect()]
