"""The one write path for Delta tables: append, replace-by-date and merge.

Each write returns the table's versions before and after, for the run ledger.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame, DataFrameWriter, SparkSession
from pyspark.sql import functions as F

from scout_spark.lake import delta_sql
from scout_spark.results import TableVersions


@dataclass(frozen=True)
class DeltaTarget:
    """A Delta table: where it lives, its business key, partitioning and row order."""

    name: str  # ledger name, e.g. "silver/transactions"
    path: str
    keys: tuple[str, ...] = ()
    partition_by: tuple[str, ...] = ()
    date_column: str | None = None  # the column replace-by-date works on
    # Rows are written sorted by these, so each file holds a range of them: a MERGE of
    # recent corrections touches the recent files only, and readers skip by min/max.
    cluster_by: tuple[str, ...] = ()
    # Commits between Delta checkpoints, set when the table is created (None: Delta's 10).
    checkpoint_interval: int | None = None


def table_version(spark: SparkSession, path: str) -> int | None:
    """Latest committed version of the Delta table at `path`; None when there is no table."""
    return delta_sql.latest_version(spark, path)


# Set on each table as it is created (a write's delta.* options; existing tables ignore
# them), not only through session defaults: a Connect server drops settings it refuses.
_TABLE_PROPERTIES = {"delta.enableChangeDataFeed": "true", "delta.enableDeletionVectors": "true"}


def configure_tables(deletion_vectors: bool) -> None:
    """The properties new tables get in this process (config.lake.deletion_vectors)."""
    _TABLE_PROPERTIES["delta.enableDeletionVectors"] = str(deletion_vectors).lower()


def table_properties() -> dict[str, str]:
    """Every table records its changes (each layer reads only what changed upstream); with
    deletion vectors a MERGE of a few corrections writes only them."""
    return dict(_TABLE_PROPERTIES)


def delta_writer(df: DataFrame) -> DataFrameWriter:
    """`df.write` in Delta format, creating a missing table with table_properties()."""
    return df.write.format("delta").options(**table_properties())


# Two runs creating one table at once (the ledger, the checkpoints of an empty lake): the
# loser's first commit fails with one of these, yet an append to the table that now
# exists does not conflict. Appends retry; every other write runs under its table's lock.
_LOST_CREATE_RACE = ("[DELTA_PROTOCOL_CHANGED]", "[DELTA_METADATA_CHANGED]")
_APPEND_ATTEMPTS = 3


def save_append(writer: DataFrameWriter, path: str) -> None:
    """`writer` appended to the table at `path`, again if a concurrent commit created it."""
    for attempt in range(1, _APPEND_ATTEMPTS + 1):
        try:
            writer.mode("append").save(path)
            return
        except Exception as exc:  # Py4JJavaError classic, a pyspark error over Connect
            if attempt == _APPEND_ATTEMPTS or not any(m in str(exc) for m in _LOST_CREATE_RACE):
                raise


def _writer(df: DataFrame, target: DeltaTarget, mode: str) -> DataFrameWriter:
    if target.cluster_by:
        df = df.sort(*target.cluster_by)
    writer = delta_writer(df).mode(mode)
    if target.checkpoint_interval is not None:
        writer = writer.option("delta.checkpointInterval", str(target.checkpoint_interval))
    if target.partition_by:
        writer = writer.partitionBy(*target.partition_by)
    return writer


def blind_append(target: DeltaTarget, df: DataFrame) -> None:
    """Append rows without reading the table's versions (a record's rows, e.g. the ledger's)."""
    save_append(_writer(df, target, "append"), target.path)


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
    save_append(writer, target.path)
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


def overwrite(spark: SparkSession, target: DeltaTarget, df: DataFrame) -> TableVersions:
    """Atomically replace every row of the table with `df` (creating it when missing)."""
    before = table_version(spark, target.path)
    # Static: a session set to dynamic partition overwrite would keep partitions df lacks.
    _writer(df, target, "overwrite").option("partitionOverwriteMode", "static").save(target.path)
    return TableVersions(before, table_version(spark, target.path))


def merge(
    spark: SparkSession,
    target: DeltaTarget,
    source_df: DataFrame,
    *,
    update_condition: str | None = None,
    insert: bool = True,
    delete_condition: str | None = None,
    insert_condition: str | None = None,
    columns: Sequence[str] | None = None,
) -> TableVersions:
    """Upsert on target.keys; a matched row is updated only when `update_condition` holds.

    The source must hold at most one row per key (deduplicate first). Conditions refer to
    the target as `t` and the source as `s`. A missing table is created from the source.
    A matched row for which `delete_condition` holds is deleted instead; an unmatched one
    is inserted only when `insert_condition` holds. With `columns`, only those columns are
    updated and inserted, so the source may carry helper columns (e.g. an action flag).
    """
    if not target.keys:
        raise ValueError(f"{target.name}: merge needs keys")
    before = table_version(spark, target.path)
    if before is None:
        created_df = source_df
        if insert_condition is not None:
            created_df = created_df.alias("s").filter(F.expr(insert_condition))
        if columns is not None:
            created_df = created_df.select(*columns)
        _writer(created_df, target, "overwrite").save(target.path)
        return TableVersions(None, table_version(spark, target.path))
    on = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in target.keys)
    delta_sql.merge(
        spark, target.path, source_df, on,
        update_condition=update_condition, insert=insert, delete_condition=delete_condition,
        insert_condition=insert_condition, columns=columns,
    )  # fmt: skip
    return TableVersions(before, table_version(spark, target.path))


def operation_metrics(spark: SparkSession, path: str, version: int | None) -> dict[str, str]:
    """Delta's operationMetrics of the commit `version` (empty when there is none)."""
    row = None if version is None else delta_sql.commit_row(spark, path, version)
    return dict(row["operationMetrics"] or {}) if row is not None else {}


def read_version(spark: SparkSession, path: str, version: int | None = None) -> DataFrame:
    """The table as of `version` (time travel), or its latest version."""
    reader = spark.read.format("delta")
    if version is not None:
        reader = reader.option("versionAsOf", version)
    return reader.load(path)


def read_changes(spark: SparkSession, path: str, after: int, until: int) -> DataFrame:
    """Change data feed rows of the commits after version `after` up to `until` (inclusive).

    Needs delta.enableChangeDataFeed on those commits; each row adds _change_type (insert,
    update_preimage, update_postimage, delete), _commit_version and _commit_timestamp.
    """
    return (
        spark.read.format("delta")
        .option("readChangeFeed", "true")
        .option("startingVersion", after + 1)
        .option("endingVersion", until)
        .load(path)
    )


def rows_written(spark: SparkSession, path: str, versions: TableVersions) -> int:
    """New rows the commits after `versions.before` up to `versions.after` wrote."""
    if versions.after is None or versions.after == versions.before:
        return 0
    first = 0 if versions.before is None else versions.before + 1
    commits = delta_sql.history(spark, path, versions.after - first + 1).collect()
    metrics = [row["operationMetrics"] or {} for row in commits if row["version"] >= first]
    # A replaceWhere on a data column rewrites files: their untouched rows count as output
    # (numOutputRows) but are only copied (numCopiedRows).
    return sum(int(m.get("numOutputRows", 0)) - int(m.get("numCopiedRows", 0)) for m in metrics)


def dates_in(df: DataFrame, column: str) -> list[date]:
    """Distinct dates of a (small, aggregated) frame's column, for replace_dates."""
    return [r[0] for r in df.select(column).distinct().where(F.col(column).isNotNull()).collect()]
