"""Platinum customer features: 90-day window ending at gold's latest date, favourite category."""

from datetime import UTC, date, datetime
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import SparkSession

from scout_spark.layers.platinum.customer_features import build_customer_features
from scout_spark.schemas import SILVER_CUSTOMERS_SCHEMA

D = date(2026, 6, 30)  # latest sales_date: the window is 2026-04-02 .. 2026-06-30
FIRST_IN_WINDOW, LAST_BEFORE = date(2026, 4, 2), date(2026, 4, 1)
TX_DDL = "transaction_id string, customer_id string, sales_date date, total_amount decimal(14,2)"
ITEMS_DDL = "transaction_id string, category string, quantity bigint, sales_date date"
FEATURES_DDL = (
    "customer_id string, segment string, recency_days int, frequency_90d bigint, "
    "monetary_90d decimal(14,2), avg_basket_value_90d decimal(14,2), favorite_category string"
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_build_customer_features(spark: SparkSession) -> None:
    tx = [
        ("A1", "C1", D, "200.00"),
        ("A2", "C1", FIRST_IN_WINDOW, "100.00"),
        ("A3", "C1", LAST_BEFORE, "999.00"),  # outside the window
        ("B1", "C2", LAST_BEFORE, "50.00"),  # only outside: frequency 0
        ("E1", "C3", date(2026, 6, 1), "10.00"),
        ("F1", "C4", date(2026, 6, 2), "0.00"),  # no items
        ("G1", "C5", date(2026, 6, 3), "7.00"),
        ("W1", None, D, "5000.00"),  # walk-in: no features row
    ]
    items = [
        ("A1", "snacks", 3, D),
        ("A1", "drinks", 1, D),
        ("A2", "drinks", 2, FIRST_IN_WINDOW),  # drinks 3 = snacks 3: alphabetical wins
        ("A3", "zebra", 100, LAST_BEFORE),  # outside the window
        ("B1", "snacks", 4, LAST_BEFORE),
        ("E1", None, 5, date(2026, 6, 1)),  # null counts as unknown
        ("E1", "beverages", 2, date(2026, 6, 1)),
        ("G1", None, 2, date(2026, 6, 3)),  # unknown 2 = zebra 2: unknown first
        ("G1", "zebra", 2, date(2026, 6, 3)),
        ("W1", "snacks", 50, D),
    ]
    customers = [
        ("C1", "regular", "NCR", utc(2026, 1, 1), utc(2026, 1, 1), utc(2026, 5, 1), False),
        ("C1", "vip", "NCR", utc(2026, 5, 1), utc(2026, 5, 1), None, True),
        ("C2", "lapsed", None, utc(2026, 1, 1), utc(2026, 1, 1), utc(2026, 2, 1), False),
        ("C3", None, None, utc(2026, 1, 1), utc(2026, 1, 1), None, True),
        ("C5", "new", "CAR", utc(2026, 6, 3), utc(2026, 6, 3), None, True),
    ]
    actual_df = build_customer_features(
        spark.createDataFrame([(*r[:3], Decimal(r[3])) for r in tx], TX_DDL),
        gold_items_df=spark.createDataFrame(items, ITEMS_DDL),
        customers_df=spark.createDataFrame(customers, SILVER_CUSTOMERS_SCHEMA),
    )
    expected_df = spark.createDataFrame(
        [
            ("C1", "vip", 0, 2, Decimal("300.00"), Decimal("150.00"), "drinks"),
            ("C2", None, 90, 0, Decimal("0.00"), None, None),
            ("C3", None, 29, 1, Decimal("10.00"), Decimal("10.00"), "unknown"),
            ("C4", None, 28, 1, Decimal("0.00"), Decimal("0.00"), None),
            ("C5", "new", 27, 1, Decimal("7.00"), Decimal("7.00"), "unknown"),
        ],
        FEATURES_DDL,
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_customer_features_avg_basket_rounds_to_cents(spark: SparkSession) -> None:
    tx = [
        ("A", "C1", D, Decimal("10.00")),
        ("B", "C1", D, Decimal("0.01")),
        ("C", "C1", D, Decimal("0.00")),
    ]
    actual_df = build_customer_features(
        spark.createDataFrame(tx, TX_DDL),
        gold_items_df=spark.createDataFrame([], ITEMS_DDL),
        customers_df=spark.createDataFrame([], SILVER_CUSTOMERS_SCHEMA),
    )
    expected_df = spark.createDataFrame(
        [("C1", None, 0, 3, Decimal("10.01"), Decimal("3.34"), None)], FEATURES_DDL
    )  # 10.01 / 3 = 3.3366... -> 3.34
    assert_df_equality(actual_df, expected_df, ignore_nullable=True)
