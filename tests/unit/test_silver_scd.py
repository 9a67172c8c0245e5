"""Customers SCD type 2: history over three snapshots, in order and with one arriving late."""

from datetime import UTC, datetime

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from scout_spark.layers.silver.scd import (
    build_customer_changes,
    build_customer_history,
    filter_touched_customers,
)
from scout_spark.schemas import SILVER_CUSTOMERS_SCHEMA

JAN, FEB, MAR = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3))
BATCH_DDL = (
    "customer_id string, segment string, region string, updated_at timestamp, "
    "_source_modified_at timestamp, _source_file string, _source_row long"
)
# Full snapshots: (customer_id, segment, region) as of JAN, FEB and MAR.
SNAPSHOTS = {
    JAN: [("C1", "gold", "NCR"), ("C2", "gold", "NCR"), ("C3", "gold", "NCR")],
    FEB: [("C1", "silver", "NCR"), ("C2", "gold", "NCR"), ("C3", "gold", None),
          ("C4", "bronze", "CAR")],
    MAR: [("C1", "silver", "NCR"), ("C2", "platinum", "NCR"), ("C3", "gold", None),
          ("C4", "bronze", "CAR")],
}  # fmt: skip
EXPECTED_HISTORY = [
    ("C1", "gold", "NCR", JAN, JAN, FEB, False),
    ("C1", "silver", "NCR", FEB, FEB, None, True),
    ("C2", "gold", "NCR", JAN, JAN, MAR, False),
    ("C2", "platinum", "NCR", MAR, MAR, None, True),
    ("C3", "gold", "NCR", JAN, JAN, FEB, False),
    ("C3", "gold", None, FEB, FEB, None, True),
    ("C4", "bronze", "CAR", FEB, FEB, None, True),
]


def snapshot(spark: SparkSession, at: datetime) -> DataFrame:
    rows = [
        (c, s, r, at, at, f"customers/{at:%m}.csv", i) for i, (c, s, r) in enumerate(SNAPSHOTS[at])
    ]
    return spark.createDataFrame(rows, BATCH_DDL)


def apply(spark: SparkSession, history_df: DataFrame, at: datetime) -> DataFrame:
    """What a silver run does: recompute the touched customers, keep the others."""
    batch_df = snapshot(spark, at)
    touched_df = filter_touched_customers(history_df, batch_df=batch_df)
    untouched_df = history_df.join(touched_df.select("customer_id"), "customer_id", "left_anti")
    new_df = build_customer_history(batch_df, history_df=touched_df)
    return untouched_df.unionByName(new_df).localCheckpoint()


def history_after(spark: SparkSession, order: list[datetime]) -> DataFrame:
    history_df = spark.createDataFrame([], SILVER_CUSTOMERS_SCHEMA)
    for at in order:
        history_df = apply(spark, history_df, at)
    return history_df


def expected(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    return spark.createDataFrame(rows, SILVER_CUSTOMERS_SCHEMA)


def test_build_customer_history_over_three_snapshots_in_order(spark: SparkSession) -> None:
    actual_df = history_after(spark, [JAN, FEB, MAR])
    assert_df_equality(
        actual_df, expected(spark, EXPECTED_HISTORY), ignore_nullable=True, ignore_row_order=True
    )


def test_build_customer_history_splits_when_a_snapshot_arrives_late(spark: SparkSession) -> None:
    actual_df = history_after(spark, [JAN, MAR, FEB])
    assert_df_equality(
        actual_df, expected(spark, EXPECTED_HISTORY), ignore_nullable=True, ignore_row_order=True
    )


def test_build_customer_history_same_time_goes_to_the_latest_ingested(spark: SparkSession) -> None:
    batch_df = spark.createDataFrame(
        [("C9", "gold", None, JAN, FEB, "b.csv", 0), ("C9", "silver", None, JAN, MAR, "a.csv", 0)],
        BATCH_DDL,
    )
    actual_df = build_customer_history(
        batch_df, history_df=spark.createDataFrame([], SILVER_CUSTOMERS_SCHEMA)
    )
    assert_df_equality(
        actual_df,
        expected(spark, [("C9", "silver", None, JAN, JAN, None, True)]),
        ignore_nullable=True,
    )


def test_build_customer_changes_upserts_and_deletes_only_changed_versions(
    spark: SparkSession,
) -> None:
    before_df = history_after(spark, [JAN, MAR])
    batch_df = snapshot(spark, FEB)
    touched_df = filter_touched_customers(before_df, batch_df=batch_df)
    changes_df = build_customer_changes(
        build_customer_history(batch_df, history_df=touched_df), history_df=touched_df
    )
    rows = [
        ("C1", "gold", "NCR", JAN, JAN, FEB, False, "upsert"),
        ("C1", "silver", "NCR", FEB, FEB, None, True, "upsert"),
        ("C1", None, None, None, MAR, None, None, "delete"),
        ("C3", "gold", "NCR", JAN, JAN, FEB, False, "upsert"),
        ("C3", "gold", None, FEB, FEB, None, True, "upsert"),
        ("C3", None, None, None, MAR, None, None, "delete"),
        ("C4", "bronze", "CAR", FEB, FEB, None, True, "upsert"),
        ("C4", None, None, None, MAR, None, None, "delete"),
    ]
    expected_df = spark.createDataFrame(
        rows,
        "customer_id string, segment string, region string, updated_at timestamp, "
        "valid_from timestamp, valid_to timestamp, is_current boolean, _action string",
    )
    assert_df_equality(changes_df, expected_df, ignore_nullable=True, ignore_row_order=True)
