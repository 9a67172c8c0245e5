"""Gold transactions and items: Manila calendar, type, item count, region, PIT segment."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from scout_spark.layers.gold.transactions import (
    build_gold_transaction_items,
    build_gold_transactions,
    with_customer_segment,
    with_item_count,
    with_sales_calendar,
    with_store_region,
    with_transaction_type,
)
from scout_spark.schemas import (
    SILVER_CUSTOMERS_SCHEMA,
    SILVER_ITEMS_SCHEMA,
    SILVER_STORES_SCHEMA,
    SILVER_TRANSACTIONS_SCHEMA,
)

TZ = "Asia/Manila"
LINEAGE = (None, None, None, None, None)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def ts_schema(*extra: T.StructField) -> T.StructType:
    return T.StructType(
        [
            T.StructField("transaction_id", T.StringType()),
            T.StructField("transaction_ts", T.TimestampType()),
            *extra,
        ]
    )


CALENDAR_ROWS = [
    ("before-midnight", utc(2026, 3, 1, 15, 59, 59), date(2026, 3, 1), 23),
    ("at-midnight", utc(2026, 3, 1, 16, 0, 0), date(2026, 3, 2), 0),
    ("utc-previous-day", utc(2026, 2, 28, 16, 30, 0), date(2026, 3, 1), 0),
    ("new-year", utc(2026, 12, 31, 23, 0, 0), date(2027, 1, 1), 7),
    ("leap-day", utc(2028, 2, 28, 16, 0, 0), date(2028, 2, 29), 0),
    ("noon", utc(2026, 3, 1, 4, 0, 0), date(2026, 3, 1), 12),
]
CALENDAR_SCHEMA = ts_schema(
    T.StructField("sales_date", T.DateType()), T.StructField("hour_of_day", T.IntegerType())
)


@pytest.mark.parametrize("session_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_with_sales_calendar_uses_manila_whatever_the_session_zone(
    spark: SparkSession, session_zone: str
) -> None:
    previous = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", session_zone)
    try:
        input_df = spark.createDataFrame([r[:2] for r in CALENDAR_ROWS], ts_schema())
        expected_df = spark.createDataFrame(CALENDAR_ROWS, CALENDAR_SCHEMA)
        actual_df = with_sales_calendar(input_df, timezone=TZ)
        assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)
    finally:
        spark.conf.set("spark.sql.session.timeZone", previous)


def test_with_transaction_type_high_value_strictly_above_1000(spark: SparkSession) -> None:
    schema = T.StructType(
        [
            T.StructField("transaction_id", T.StringType()),
            T.StructField("total_amount", T.DecimalType(14, 2)),
        ]
    )
    rows = [("a", Decimal("1000.00")), ("b", Decimal("1000.01")), ("c", Decimal("0.00"))]
    expected_df = spark.createDataFrame(
        [(*rows[0], "standard"), (*rows[1], "high_value"), (*rows[2], "standard")],
        T.StructType([*schema.fields, T.StructField("transaction_type", T.StringType())]),
    )
    actual_df = with_transaction_type(spark.createDataFrame(rows, schema))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_with_item_count_sums_quantity_and_is_zero_without_items(spark: SparkSession) -> None:
    tx_df = spark.createDataFrame([("a",), ("b",)], "transaction_id string")
    items_df = spark.createDataFrame(
        [("a", 1, 2), ("a", 2, 3), ("z", 1, 7)],
        "transaction_id string, line_number int, quantity int",
    )
    expected_df = spark.createDataFrame(
        [("a", 5), ("b", 0)], "transaction_id string, item_count bigint"
    )
    actual_df = with_item_count(tx_df, items_df=items_df)
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_with_store_region_null_for_unknown_store(spark: SparkSession) -> None:
    tx_df = spark.createDataFrame(
        [("a", "S1"), ("b", "S2"), ("c", "S-GONE")], "transaction_id string, store_id string"
    )
    stores_df = spark.createDataFrame(
        [("S1", "NCR"), ("S2", None)], "store_id string, region string"
    )
    expected_df = spark.createDataFrame(
        [("S1", "a", "NCR"), ("S2", "b", None), ("S-GONE", "c", None)],
        "store_id string, transaction_id string, region string",
    )
    actual_df = with_store_region(tx_df, stores_df=stores_df)
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def customers_df(spark: SparkSession, rows: list[tuple]) -> DataFrame:
    return spark.createDataFrame(rows, SILVER_CUSTOMERS_SCHEMA)


SEGMENT_CUSTOMERS = [
    # customer_id, segment, region, updated_at, valid_from, valid_to, is_current
    ("C1", "regular", "NCR", utc(2026, 1, 1), utc(2026, 1, 1), utc(2026, 2, 1), False),
    ("C1", "vip", "NCR", utc(2026, 2, 1), utc(2026, 2, 1), None, True),
    ("C2", "new", None, utc(2026, 3, 1), utc(2026, 3, 1), None, True),
    ("C4", None, None, utc(2026, 1, 1), utc(2026, 1, 1), None, True),
]


def test_with_customer_segment_point_in_time(spark: SparkSession) -> None:
    schema = ts_schema(T.StructField("customer_id", T.StringType()))
    tx_rows = [
        ("in-first-version", utc(2026, 1, 15), "C1"),
        ("last-instant-of-first", datetime(2026, 1, 31, 23, 59, 59, 999999, UTC), "C1"),
        ("at-valid-from-of-second", utc(2026, 2, 1), "C1"),
        ("before-any-version", utc(2026, 2, 15), "C2"),
        ("walk-in", utc(2026, 2, 15), None),
        ("not-in-customers", utc(2026, 2, 15), "C3"),
        ("version-without-segment", utc(2026, 2, 15), "C4"),
        ("before-first-version", utc(2025, 12, 31), "C1"),
    ]
    segments = [
        "regular", "regular", "vip", "unknown", None, "unknown", "unknown", "unknown",
    ]  # fmt: skip
    expected_df = spark.createDataFrame(
        [(*row, seg) for row, seg in zip(tx_rows, segments, strict=True)],
        T.StructType([*schema.fields, T.StructField("customer_segment", T.StringType())]),
    )
    actual_df = with_customer_segment(
        spark.createDataFrame(tx_rows, schema), customers_df=customers_df(spark, SEGMENT_CUSTOMERS)
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


GOLD_TX_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType()),
        T.StructField("store_id", T.StringType()),
        T.StructField("customer_id", T.StringType()),
        T.StructField("transaction_ts", T.TimestampType()),
        T.StructField("sales_date", T.DateType()),
        T.StructField("hour_of_day", T.IntegerType()),
        T.StructField("total_amount", T.DecimalType(14, 2)),
        T.StructField("payment_method", T.StringType()),
        T.StructField("transaction_type", T.StringType()),
        T.StructField("item_count", T.LongType()),
        T.StructField("region", T.StringType()),
        T.StructField("customer_segment", T.StringType()),
    ]
)


def test_build_gold_transactions_from_silver_schemas(spark: SparkSession) -> None:
    tx_rows = [
        ("T1", "S1", "C1", utc(2026, 3, 1, 15, 59, 59), Decimal("1500.00"), "gcash", None),
        ("T2", "S9", None, utc(2026, 3, 1, 16, 0, 0), Decimal("20.50"), "cash", None),
    ]
    items_rows = [
        ("T1", 1, "P1", "Chips", "Jack", "snacks", 2, Decimal("10.00"), Decimal("20.00"), None),
        ("T1", 2, "P2", "Cola", None, None, 1, Decimal("30.00"), Decimal("30.00"), None),
    ]
    stores_rows = [("S1", "Store 1", "NCR", "MM", "QC", "B1", "sari-sari", 1.0, 2.0, None, None)]
    actual_df = build_gold_transactions(
        spark.createDataFrame([(*r, *LINEAGE) for r in tx_rows], SILVER_TRANSACTIONS_SCHEMA),
        items_df=spark.createDataFrame([(*r, *LINEAGE) for r in items_rows], SILVER_ITEMS_SCHEMA),
        stores_df=spark.createDataFrame(stores_rows, SILVER_STORES_SCHEMA),
        customers_df=customers_df(spark, SEGMENT_CUSTOMERS),
        timezone=TZ,
    )
    expected_rows = [
        ("T1", "S1", "C1", utc(2026, 3, 1, 15, 59, 59), date(2026, 3, 1), 23,
         Decimal("1500.00"), "gcash", "high_value", 3, "NCR", "vip"),
        ("T2", "S9", None, utc(2026, 3, 1, 16, 0, 0), date(2026, 3, 2), 0,
         Decimal("20.50"), "cash", "standard", 0, None, None),
    ]  # fmt: skip
    expected_df = spark.createDataFrame(expected_rows, GOLD_TX_SCHEMA)
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_gold_transaction_items_keeps_items_of_gold_transactions(
    spark: SparkSession,
) -> None:
    items_rows = [
        ("T1", 1, "P1", "Chips", "Jack", "snacks", 2, Decimal("10.00"), Decimal("20.00"), None),
        ("T1", 2, "P2", "Cola", None, None, 1, Decimal("30.00"), Decimal("30.00"), None),
        ("ORPHAN", 1, "P3", "Soap", "X", "home", 1, Decimal("5.00"), Decimal("5.00"), None),
    ]
    gold_tx_df = spark.createDataFrame(
        [("T1", date(2026, 3, 2))], "transaction_id string, sales_date date"
    )
    actual_df = build_gold_transaction_items(
        spark.createDataFrame([(*r, *LINEAGE) for r in items_rows], SILVER_ITEMS_SCHEMA),
        gold_transactions_df=gold_tx_df,
    )
    expected_rows = [
        ("T1", 1, "P1", "Chips", "Jack", "snacks", 2, Decimal("10.00"), Decimal("20.00"),
         date(2026, 3, 2)),
        ("T1", 2, "P2", "Cola", None, None, 1, Decimal("30.00"), Decimal("30.00"),
         date(2026, 3, 2)),
    ]  # fmt: skip
    expected_df = spark.createDataFrame(
        expected_rows,
        "transaction_id string, line_number int, product_id string, product_name string, "
        "brand string, category string, quantity bigint, unit_price decimal(14,2), "
        "line_amount decimal(14,2), sales_date date",
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)
