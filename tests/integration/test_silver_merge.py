"""Silver dedup against Delta: batches merged in turn with the silver update condition."""

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from chispa import assert_df_equality
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession

from scout_spark.config import Config
from scout_spark.lake.tables import delta_target
from scout_spark.lake.writes import DeltaTarget, merge, overwrite
from scout_spark.layers.silver.dedup import SILVER_SCHEMAS, VERSION_ORDER, filter_latest_per_key
from scout_spark.pipelines.silver_writes import UPDATE_CONDITIONS

SCHEMA = SILVER_SCHEMAS["transactions"]
TS = datetime(2024, 3, 1, 2, tzinfo=UTC)
FIRST, SECOND = datetime(2024, 3, 2, tzinfo=UTC), datetime(2024, 3, 3, tzinfo=UTC)


def at(hour: int) -> datetime:
    return datetime(2024, 3, 1, hour, tzinfo=UTC)


def tx(
    key: str, amount: str, updated: datetime | None, file: str, modified: datetime, row: int = 0
) -> tuple:
    return (key, "S1", None, TS, Decimal(amount), "cash", updated, file, modified, row, modified,
            "bronze-1")  # fmt: skip


# Each key is one case; batch 1 lands first, then batch 2.
BATCH_1 = [
    tx("identical_resend", "10", at(9), "b1.csv", FIRST),
    tx("correction", "10", at(9), "b1.csv", FIRST, 1),
    tx("out_of_order_arrival", "20", at(10), "b1.csv", FIRST, 2),
    tx("duplicate_across_batches", "10", None, "b1.csv", FIRST, 3),
]
BATCH_2 = [
    tx("identical_resend", "10", at(9), "copy of b1.csv", SECOND),
    tx("correction", "11", at(10), "b2.csv", SECOND, 1),
    tx("out_of_order_arrival", "19", at(9), "b2.csv", SECOND, 2),
    tx("duplicate_across_batches", "12", None, "b2.csv", SECOND, 3),
    tx("duplicate_within_batch", "1", at(8), "b2.csv", SECOND, 4),
    tx("duplicate_within_batch", "2", at(9), "b2.csv", SECOND, 5),
]
EXPECTED = [
    tx("identical_resend", "10", at(9), "b1.csv", FIRST),
    tx("correction", "11", at(10), "b2.csv", SECOND, 1),
    tx("out_of_order_arrival", "20", at(10), "b1.csv", FIRST, 2),
    tx("duplicate_across_batches", "12", None, "b2.csv", SECOND, 3),
    tx("duplicate_within_batch", "2", at(9), "b2.csv", SECOND, 5),
]


def merge_batch(spark: SparkSession, target: DeltaTarget, rows: list[tuple]) -> dict[str, str]:
    """The MERGE's operation metrics; empty when it committed nothing (nothing changed)."""
    batch_df: DataFrame = spark.createDataFrame(rows, SCHEMA)
    source_df = filter_latest_per_key(batch_df, keys=("transaction_id",), order=VERSION_ORDER)
    versions = merge(spark, target, source_df, update_condition=UPDATE_CONDITIONS["transactions"])
    if versions.after == versions.before:
        return {}
    last = DeltaTable.forPath(spark, target.path).history(1).first()
    return dict(last["operationMetrics"]) if last is not None else {}


def test_merge_keeps_the_newest_version_and_never_rewrites_identical_or_older_rows(
    spark: SparkSession, test_config: Config, tmp_path: Path
) -> None:
    target = dataclasses.replace(
        delta_target(test_config, "silver/transactions"), path=str(tmp_path / "tx")
    )
    merge_batch(spark, target, BATCH_1)
    second = merge_batch(spark, target, BATCH_2)
    again = merge_batch(spark, target, BATCH_2)  # the same batch re-sent (a rerun)

    silver_df = spark.read.format("delta").load(target.path)
    assert_df_equality(
        silver_df, spark.createDataFrame(EXPECTED, SCHEMA), ignore_nullable=True,
        ignore_row_order=True,
    )  # fmt: skip
    assert (second["numTargetRowsUpdated"], second["numTargetRowsInserted"]) == ("2", "1")
    # Deletion vectors (lake.deletion_vectors): the updated rows are marked, none copied.
    assert second["numTargetRowsCopied"] == "0"
    assert int(second["numTargetDeletionVectorsAdded"]) >= 1
    assert (again.get("numTargetRowsUpdated", "0"), again.get("numTargetRowsInserted", "0")) == (
        "0",
        "0",
    )


def test_silver_transactions_files_hold_time_ranges(
    spark: SparkSession, test_config: Config, tmp_path: Path
) -> None:
    """Written in transaction_ts order, so recent corrections touch only the recent files."""
    target = dataclasses.replace(
        delta_target(test_config, "silver/transactions"), path=str(tmp_path / "tx")
    )
    hours = list(range(3_000))
    random.Random(7).shuffle(hours)
    rows = [(f"T{h}", "S1", None, TS + timedelta(hours=h), Decimal("1.00"), "cash", None,
             "b1.csv", FIRST, h, FIRST, "bronze-1") for h in hours]  # fmt: skip
    overwrite(spark, target, spark.createDataFrame(rows, SCHEMA).repartition(4))

    files = spark.read.format("delta").load(target.path).inputFiles()
    ranges = []
    for file in files:
        times = pq.read_table(file.removeprefix("file:"), columns=["transaction_ts"])
        values = times.column("transaction_ts").to_pylist()
        assert values == sorted(values), file  # each file in time order
        ranges.append((values[0], values[-1]))
    ranges.sort()
    assert all(earlier[1] < later[0] for earlier, later in itertools.pairwise(ranges))
    assert sum(pq.read_metadata(f.removeprefix("file:")).num_rows for f in files) == 3_000
