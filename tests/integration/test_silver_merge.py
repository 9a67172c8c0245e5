"""Silver dedup against Delta: batches merged in turn with the silver update condition."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from chispa import assert_df_equality
from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession

from scout_spark.lake.writes import DeltaTarget, merge
from scout_spark.layers.silver_dedup import SILVER_SCHEMAS, VERSION_ORDER, filter_latest_per_key
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
    batch_df: DataFrame = spark.createDataFrame(rows, SCHEMA)
    source_df = filter_latest_per_key(batch_df, keys=("transaction_id",), order=VERSION_ORDER)
    merge(spark, target, source_df, update_condition=UPDATE_CONDITIONS["transactions"])
    last = DeltaTable.forPath(spark, target.path).history(1).first()
    return dict(last["operationMetrics"]) if last is not None else {}


def test_merge_keeps_the_newest_version_and_never_rewrites_identical_or_older_rows(
    spark: SparkSession, tmp_path: Path
) -> None:
    target = DeltaTarget("silver/transactions", str(tmp_path / "tx"), ("transaction_id",))
    merge_batch(spark, target, BATCH_1)
    second = merge_batch(spark, target, BATCH_2)
    again = merge_batch(spark, target, BATCH_2)  # the same batch re-sent (a rerun)

    silver_df = spark.read.format("delta").load(target.path)
    assert_df_equality(
        silver_df, spark.createDataFrame(EXPECTED, SCHEMA), ignore_nullable=True,
        ignore_row_order=True,
    )  # fmt: skip
    assert (second["numTargetRowsUpdated"], second["numTargetRowsInserted"]) == ("2", "1")
    assert (again.get("numTargetRowsUpdated", "0"), again.get("numTargetRowsInserted", "0")) == (
        "0",
        "0",
    )
