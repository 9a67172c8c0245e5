"""Silver dedup: the newest row per key in a batch, and the MERGE update condition."""

from datetime import UTC, datetime
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.layers.silver.dedup import (
    SILVER_SCHEMAS,
    VERSION_ORDER,
    build_update_condition,
    business_columns,
    filter_latest_per_key,
)

SCHEMA = SILVER_SCHEMAS["transactions"]
TS = datetime(2024, 3, 1, 2, tzinfo=UTC)


def at(hour: int) -> datetime:
    return datetime(2024, 3, 1, hour, tzinfo=UTC)


def tx(case: str, amount: str, updated: datetime | None, modified: datetime, file: str,
       row: int) -> tuple:  # fmt: skip
    """A silver transaction row; `case` is its transaction_id."""
    return (case, "S1", None, TS, Decimal(amount), "cash", updated, file, modified, row,
            modified, "bronze-1")  # fmt: skip


def frame(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    return spark.createDataFrame(rows, SCHEMA)


def test_filter_latest_per_key_keeps_the_newest_version(spark: SparkSession) -> None:
    rows = [
        tx("later_updated_at_wins", "1", at(10), at(20), "a", 0),
        tx("later_updated_at_wins", "2", at(11), at(19), "a", 1),
        tx("null_updated_at_is_oldest", "1", None, at(23), "z", 9),
        tx("null_updated_at_is_oldest", "2", at(9), at(20), "a", 0),
        tx("tie_latest_modified_wins", "1", at(9), at(20), "b", 5),
        tx("tie_latest_modified_wins", "2", at(9), at(21), "a", 0),
        tx("tie_then_file_name", "1", at(9), at(20), "a", 5),
        tx("tie_then_file_name", "2", at(9), at(20), "b", 0),
        tx("tie_then_row_in_file", "1", at(9), at(20), "a", 3),
        tx("tie_then_row_in_file", "2", at(9), at(20), "a", 7),
        tx("single_row_kept", "2", None, at(20), "a", 0),
    ]
    actual_df = filter_latest_per_key(
        frame(spark, rows), keys=("transaction_id",), order=VERSION_ORDER
    ).select("transaction_id", "total_amount")
    expected_df = spark.createDataFrame(
        [(case, Decimal("2.00")) for case in sorted({r[0] for r in rows})],
        "transaction_id string, total_amount decimal(14,2)",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


# (case, silver row, incoming row, is the silver row rewritten)
UPDATE_CASES = [
    ("identical_resend", ("1", at(9), at(20), "a", 0), ("1", at(9), at(22), "copy", 0), False),
    ("rerun_of_same_row", ("1", at(9), at(20), "a", 0), ("1", at(9), at(20), "a", 0), False),
    ("correction", ("1", at(9), at(20), "a", 0), ("2", at(10), at(21), "b", 0), True),
    ("older_arrives_late", ("2", at(10), at(21), "b", 0), ("1", at(9), at(22), "c", 0), False),
    ("null_updated_at_older", ("1", at(9), at(20), "a", 0), ("2", None, at(22), "b", 0), False),
    ("value_beats_null", ("1", None, at(20), "a", 0), ("2", at(1), at(19), "b", 0), True),
    ("tie_later_ingest_wins", ("1", at(9), at(20), "a", 0), ("2", at(9), at(21), "b", 0), True),
    ("tie_earlier_ingest_loses", ("1", at(9), at(21), "b", 0), ("2", at(9), at(20), "a", 0), False),
    ("both_null_later_row_wins", ("1", None, at(20), "a", 1), ("2", None, at(20), "a", 2), True),
]  # fmt: skip


def test_build_update_condition_rewrites_only_newer_different_rows(spark: SparkSession) -> None:
    condition = build_update_condition(order=VERSION_ORDER, compare=business_columns(SCHEMA))
    target_df = frame(spark, [tx(case, *silver) for case, silver, _, _ in UPDATE_CASES])
    source_df = frame(spark, [tx(case, *incoming) for case, _, incoming, _ in UPDATE_CASES])
    is_same_key = F.col("s.transaction_id") == F.col("t.transaction_id")
    actual_df = (
        source_df.alias("s")
        .join(target_df.alias("t"), on=is_same_key, how="inner")
        .select(F.col("s.transaction_id"), F.expr(condition).alias("is_rewritten"))
    )
    expected_df = spark.createDataFrame(
        [(case, rewritten) for case, _, _, rewritten in UPDATE_CASES],
        "transaction_id string, is_rewritten boolean",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)
