"""Gold aggregates: daily store, daily category/brand, hourly, payment mix."""

from datetime import date
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession

from scout_spark.layers.gold.aggregates import (
    build_daily_category_sales,
    build_daily_store_sales,
    build_hourly_sales,
    build_payment_mix,
)

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)
GOLD_TX_DDL = (
    "transaction_id string, store_id string, customer_id string, sales_date date, "
    "hour_of_day int, total_amount decimal(14,2), payment_method string, "
    "transaction_type string, item_count bigint, region string"
)


def gold_tx(spark: SparkSession) -> DataFrame:
    rows = [
        ("T1", "S1", "C1", D1, 9, Decimal("100.00"), "cash", "standard", 2, "NCR"),
        ("T2", "S1", "C1", D1, 9, Decimal("50.01"), "gcash", "standard", 1, "NCR"),
        ("T3", "S1", None, D1, 23, Decimal("1200.00"), "card", "high_value", 0, "NCR"),
        ("T4", "S1", "C2", D2, 0, Decimal("10.00"), "cash", "standard", 4, "NCR"),
        ("T5", "S-GONE", None, D1, 9, Decimal("0.00"), "maya", "standard", 1, None),
        ("T6", "S-GONE", None, D2, 5, Decimal("0.00"), "other", "standard", 0, None),
        ("T7", "S-GONE", None, D2, 5, Decimal("0.00"), "cash", "standard", 0, None),
    ]
    return spark.createDataFrame(rows, GOLD_TX_DDL)


def test_build_daily_store_sales(spark: SparkSession) -> None:
    expected_df = spark.createDataFrame(
        [
            # avg 1350.01 / 3 = 450.003333 -> 450.00
            (D1, "S1", "NCR", 3, 3, Decimal("1350.01"), Decimal("450.00"), 1, 1),
            (D2, "S1", "NCR", 1, 4, Decimal("10.00"), Decimal("10.00"), 0, 1),
            (D1, "S-GONE", None, 1, 1, Decimal("0.00"), Decimal("0.00"), 0, 0),
            (D2, "S-GONE", None, 2, 0, Decimal("0.00"), Decimal("0.00"), 0, 0),
        ],
        "sales_date date, store_id string, region string, transaction_count bigint, "
        "items_sold bigint, gross_sales decimal(14,2), avg_basket_value decimal(14,2), "
        "high_value_count bigint, unique_customers bigint",
    )
    actual_df = build_daily_store_sales(gold_tx(spark))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_daily_store_sales_rounds_avg_basket_half_up(spark: SparkSession) -> None:
    rows = [
        ("A", "S1", "C1", D1, 1, Decimal("100.00"), "cash", "standard", 1, "NCR"),
        ("B", "S1", "C1", D1, 1, Decimal("50.01"), "cash", "standard", 1, "NCR"),
    ]
    expected_df = spark.createDataFrame(
        [(D1, "S1", "NCR", 2, 2, Decimal("150.01"), Decimal("75.01"), 0, 1)],  # 75.005
        "sales_date date, store_id string, region string, transaction_count bigint, "
        "items_sold bigint, gross_sales decimal(14,2), avg_basket_value decimal(14,2), "
        "high_value_count bigint, unique_customers bigint",
    )
    actual_df = build_daily_store_sales(spark.createDataFrame(rows, GOLD_TX_DDL))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_daily_category_sales_keeps_null_category_and_brand(spark: SparkSession) -> None:
    items = [
        ("T1", 1, "snacks", "Jack", 2, Decimal("20.00"), D1),
        ("T1", 2, "snacks", "Jack", 1, Decimal("10.00"), D1),
        ("T2", 1, "snacks", "Jack", 3, Decimal("30.00"), D1),
        ("T2", 2, None, "Jack", 1, Decimal("5.00"), D1),
        ("T3", 1, None, None, 4, Decimal("8.00"), D1),
        ("T3", 2, None, None, 1, Decimal("2.00"), D1),
        ("T4", 1, "snacks", "Jack", 1, Decimal("10.00"), D2),
        ("T4", 2, "snacks", None, 1, Decimal("1.00"), D2),
    ]
    items_df = spark.createDataFrame(
        items,
        "transaction_id string, line_number int, category string, brand string, "
        "quantity bigint, line_amount decimal(14,2), sales_date date",
    )
    expected_df = spark.createDataFrame(
        [
            (D1, "snacks", "Jack", 6, Decimal("60.00"), 2),
            (D1, None, "Jack", 1, Decimal("5.00"), 1),
            (D1, None, None, 5, Decimal("10.00"), 1),
            (D2, "snacks", "Jack", 1, Decimal("10.00"), 1),
            (D2, "snacks", None, 1, Decimal("1.00"), 1),
        ],
        "sales_date date, category string, brand string, units_sold bigint, "
        "revenue decimal(14,2), transaction_count bigint",
    )
    actual_df = build_daily_category_sales(items_df)
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_hourly_sales(spark: SparkSession) -> None:
    expected_df = spark.createDataFrame(
        [
            (D1, 9, 3, Decimal("150.01")),
            (D1, 23, 1, Decimal("1200.00")),
            (D2, 0, 1, Decimal("10.00")),
            (D2, 5, 2, Decimal("0.00")),
        ],
        "sales_date date, hour_of_day int, transaction_count bigint, gross_sales decimal(14,2)",
    )
    actual_df = build_hourly_sales(gold_tx(spark))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_build_payment_mix_share_of_day_and_null_on_zero_day(spark: SparkSession) -> None:
    rows = [
        ("A", "S1", None, D1, 1, Decimal("100.00"), "cash", "standard", 0, None),
        ("B", "S1", None, D1, 1, Decimal("200.00"), "gcash", "standard", 0, None),
        ("C", "S1", None, D1, 1, Decimal("0.00"), "maya", "standard", 0, None),
        ("D", "S1", None, D1, 1, Decimal("0.00"), "cash", "standard", 0, None),
        ("E", "S1", None, D2, 1, Decimal("0.00"), "cash", "standard", 0, None),
        ("F", "S1", None, D2, 1, Decimal("0.00"), "card", "standard", 0, None),
    ]
    expected_df = spark.createDataFrame(
        [
            (D1, "cash", 2, Decimal("100.00"), 1 / 3),
            (D1, "gcash", 1, Decimal("200.00"), 2 / 3),
            (D1, "maya", 1, Decimal("0.00"), 0.0),
            (D2, "cash", 1, Decimal("0.00"), None),
            (D2, "card", 1, Decimal("0.00"), None),
        ],
        "sales_date date, payment_method string, transaction_count bigint, "
        "gross_sales decimal(14,2), share_of_sales double",
    )
    actual_df = build_payment_mix(spark.createDataFrame(rows, GOLD_TX_DDL))
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)
