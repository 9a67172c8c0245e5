"""Change detection: which sales dates silver change-feed rows restate."""

from datetime import UTC, date, datetime

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from scout_spark.layers.gold.changes import (
    build_restated_dates,
    filter_sales_dates,
    select_region_changed_store_ids,
    select_segment_change_dates,
    select_transaction_change_dates,
)

TZ = "Asia/Manila"
TX_DDL = "transaction_id string, store_id string, customer_id string, transaction_ts timestamp"
CHANGE_COLUMNS = "_change_type string, _commit_version bigint"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def dates_df(spark: SparkSession, *dates: date) -> DataFrame:
    return spark.createDataFrame([(d,) for d in dates], "sales_date date")


def transactions(spark: SparkSession) -> DataFrame:
    rows = [
        ("T1", "S1", "C1", utc(2026, 3, 1, 15, 59, 59)),  # Manila 2026-03-01 23:59:59
        ("T2", "S1", "C2", utc(2026, 3, 1, 16, 0, 0)),  # Manila 2026-03-02 00:00
        ("T3", "S2", "C1", utc(2026, 3, 4, 2, 0, 0)),  # Manila 2026-03-04
        ("T4", "S2", None, utc(2026, 3, 5, 2, 0, 0)),  # Manila 2026-03-05
    ]
    return spark.createDataFrame(rows, TX_DDL)


def test_filter_sales_dates_splits_at_manila_midnight(spark: SparkSession) -> None:
    actual_df = filter_sales_dates(transactions(spark), dates=[date(2026, 3, 2)], timezone=TZ)
    expected_df = spark.createDataFrame([("T2", "S1", "C2", utc(2026, 3, 1, 16, 0, 0))], TX_DDL)
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_filter_sales_dates_keeps_only_listed_dates_inside_the_bounds(spark: SparkSession) -> None:
    actual_df = filter_sales_dates(
        transactions(spark), dates=[date(2026, 3, 1), date(2026, 3, 5)], timezone=TZ
    ).select("transaction_id")
    expected_df = spark.createDataFrame([("T1",), ("T4",)], "transaction_id string")
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_select_transaction_change_dates_counts_before_and_after_images(
    spark: SparkSession,
) -> None:
    changes_df = spark.createDataFrame(
        [
            ("T1", utc(2026, 3, 1, 15, 59, 59), "update_preimage", 3),
            ("T1", utc(2026, 3, 6, 1, 0, 0), "update_postimage", 3),
            ("T9", utc(2026, 3, 1, 16, 0, 0), "delete", 4),
        ],
        f"transaction_id string, transaction_ts timestamp, {CHANGE_COLUMNS}",
    )
    actual_df = select_transaction_change_dates(changes_df, timezone=TZ)
    expected_df = dates_df(spark, date(2026, 3, 1), date(2026, 3, 6), date(2026, 3, 2))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_select_region_changed_store_ids_ignores_other_attributes(spark: SparkSession) -> None:
    changes_df = spark.createDataFrame(
        [
            ("S-SAME", "NCR", "Old name", "update_preimage", 5),
            ("S-SAME", "NCR", "New name", "update_postimage", 5),
            ("S-MOVED", "NCR", "x", "update_preimage", 5),
            ("S-MOVED", "CAR", "x", "update_postimage", 5),
            ("S-FILLED", None, "x", "update_preimage", 6),
            ("S-FILLED", "BARMM", "x", "update_postimage", 6),
            ("S-NEW", "NCR", "x", "insert", 6),
            ("S-GONE", "NCR", "x", "delete", 7),
        ],
        f"store_id string, region string, store_name string, {CHANGE_COLUMNS}",
    )
    actual_df = select_region_changed_store_ids(changes_df)
    expected_df = spark.createDataFrame(
        [("S-MOVED",), ("S-FILLED",), ("S-NEW",), ("S-GONE",)], "store_id string"
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


CUSTOMER_CHANGES_DDL = f"customer_id string, segment string, valid_from timestamp, valid_to timestamp, {CHANGE_COLUMNS}"


def test_select_segment_change_dates_only_inside_changed_versions(spark: SparkSession) -> None:
    # C1's open version from 2026-03-04 10:00 Manila (02:00Z) is closed at 2026-03-04 11:00
    # Manila and a new one opens: only C1's transactions from 02:00Z on can change segment.
    changes_df = spark.createDataFrame(
        [
            ("C1", "regular", utc(2026, 3, 4, 2, 0, 0), None, "update_preimage", 8),
            ("C1", "regular", utc(2026, 3, 4, 2, 0, 0), utc(2026, 3, 4, 3), "update_postimage", 8),
            ("C1", "vip", utc(2026, 3, 4, 3, 0, 0), None, "insert", 8),
        ],
        CUSTOMER_CHANGES_DDL,
    )
    actual_df = select_segment_change_dates(
        transactions(spark), customer_changes_df=changes_df, timezone=TZ
    )
    assert_df_equality(
        actual_df, dates_df(spark, date(2026, 3, 4)), ignore_row_order=True, ignore_nullable=True
    )


def test_build_restated_dates_unions_every_kind_of_change(spark: SparkSession) -> None:
    tx_changes_df = spark.createDataFrame(
        [("T4", "S2", None, utc(2026, 3, 5, 2, 0, 0), "insert", 2)], f"{TX_DDL}, {CHANGE_COLUMNS}"
    )
    item_changes_df = spark.createDataFrame(
        [("T1", 1, "insert", 2), ("T-NOT-IN-SILVER", 1, "insert", 2)],
        f"transaction_id string, line_number int, {CHANGE_COLUMNS}",
    )
    store_changes_df = spark.createDataFrame(
        [("S1", "NCR", "update_preimage", 2), ("S1", "CAR", "update_postimage", 2)],
        f"store_id string, region string, {CHANGE_COLUMNS}",
    )
    customer_changes_df = spark.createDataFrame(
        [("C1", "vip", utc(2026, 3, 3), None, "insert", 2)], CUSTOMER_CHANGES_DDL
    )
    actual_df = build_restated_dates(
        transactions_df=transactions(spark),
        transaction_changes_df=tx_changes_df,
        item_changes_df=item_changes_df,
        store_changes_df=store_changes_df,
        customer_changes_df=customer_changes_df,
        timezone=TZ,
    )
    # T4 itself (03-05); T1's items (03-01); store S1: T1, T2 (03-01, 03-02); C1 from 03-03: T3.
    expected_df = dates_df(
        spark, date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5)
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_restated_dates_empty_without_changes(spark: SparkSession) -> None:
    no_tx_df = spark.createDataFrame([], f"{TX_DDL}, {CHANGE_COLUMNS}")
    actual_df = build_restated_dates(
        transactions_df=transactions(spark),
        transaction_changes_df=no_tx_df,
        item_changes_df=spark.createDataFrame([], f"transaction_id string, {CHANGE_COLUMNS}"),
        store_changes_df=spark.createDataFrame(
            [], f"store_id string, region string, {CHANGE_COLUMNS}"
        ),
        customer_changes_df=spark.createDataFrame([], CUSTOMER_CHANGES_DDL),
        timezone=TZ,
    )
    assert_df_equality(actual_df, dates_df(spark), ignore_nullable=True)
