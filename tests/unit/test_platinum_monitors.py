"""Platinum monitors: 28-day baseline, sample std, every status of the contract."""

from datetime import date, timedelta
from decimal import Decimal

from chispa import assert_approx_df_equality, assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.layers.platinum.store_anomalies import build_store_anomalies, with_metric_rows

T_DAY = date(2026, 3, 29)
DSS_DDL = (
    "sales_date date, store_id string, region string, transaction_count bigint, "
    "items_sold bigint, gross_sales decimal(14,2), avg_basket_value decimal(14,2), "
    "high_value_count bigint, unique_customers bigint"
)
MONITORS_DDL = (
    "monitor_date date, store_id string, metric string, value double, baseline_mean double, "
    "baseline_std double, z_score double, status string"
)


def day(days_before: int) -> date:
    return T_DAY - timedelta(days=days_before)


def dss_row(sales_date: date, store: str, gross: str, count: int) -> tuple:
    return (sales_date, store, "NCR", count, 0, Decimal(gross), Decimal("0"), 0, 0)


# Baseline 9, 9, 9, 11, 11, 11, 10: mean 10, sample std exactly 1.
SPREAD = [9, 9, 9, 11, 11, 11, 10]


def baseline_rows(store: str, values: list[int | str], *, spaced: int = 1) -> list[tuple]:
    return [
        dss_row(day(1 + i * spaced), store, str(v), int(Decimal(str(v))))
        for i, v in enumerate(values)
    ]


def test_build_monitors_statuses_for_one_day(spark: SparkSession) -> None:
    rows = [
        # 6 baseline rows: insufficient history (and a row 29 days back does not count).
        *baseline_rows("insufficient", [100] * 6),
        dss_row(day(29), "insufficient", "100", 100),
        dss_row(T_DAY, "insufficient", "100", 100),
        # std 0 and the value equals the mean: ok; baseline spread over all 28 days.
        *baseline_rows("flat-equal", ["100.10"] * 7, spaced=4),
        dss_row(T_DAY, "flat-equal", "100.10", 100),
        # std 0 and the value differs from the mean by a cent: alert.
        *baseline_rows("flat-unequal", [100] * 7),
        dss_row(T_DAY, "flat-unequal", "100.01", 101),
        # std 1: z 1.5 ok; exactly -2 and 2 warn; 2.5 warn; exactly -3 alert; 3.5, -3.5, 4 alert.
        *baseline_rows("ok", SPREAD),
        dss_row(T_DAY, "ok", "11.5", 8),
        *baseline_rows("warn", SPREAD),
        dss_row(T_DAY, "warn", "12.5", 12),
        *baseline_rows("alert", SPREAD),
        dss_row(T_DAY, "alert", "13.5", 7),
        *baseline_rows("alert-low", SPREAD),
        dss_row(T_DAY, "alert-low", "6.5", 14),
        # A later day never enters an earlier day's baseline.
        dss_row(T_DAY + timedelta(days=1), "ok", "1000", 1000),
    ]
    actual_df = build_store_anomalies(spark.createDataFrame(rows, DSS_DDL)).filter(
        F.col("monitor_date") == T_DAY
    )
    gross, count = "gross_sales", "transaction_count"
    expected = [
        (T_DAY, "insufficient", gross, 100.0, None, None, None, "insufficient_history"),
        (T_DAY, "insufficient", count, 100.0, None, None, None, "insufficient_history"),
        (T_DAY, "flat-equal", gross, 100.1, 100.1, 0.0, None, "ok"),
        (T_DAY, "flat-equal", count, 100.0, 100.0, 0.0, None, "ok"),
        (T_DAY, "flat-unequal", gross, 100.01, 100.0, 0.0, None, "alert"),
        (T_DAY, "flat-unequal", count, 101.0, 100.0, 0.0, None, "alert"),
        (T_DAY, "ok", gross, 11.5, 10.0, 1.0, 1.5, "ok"),
        (T_DAY, "ok", count, 8.0, 10.0, 1.0, -2.0, "warn"),
        (T_DAY, "warn", gross, 12.5, 10.0, 1.0, 2.5, "warn"),
        (T_DAY, "warn", count, 12.0, 10.0, 1.0, 2.0, "warn"),
        (T_DAY, "alert", gross, 13.5, 10.0, 1.0, 3.5, "alert"),
        (T_DAY, "alert", count, 7.0, 10.0, 1.0, -3.0, "alert"),
        (T_DAY, "alert-low", gross, 6.5, 10.0, 1.0, -3.5, "alert"),
        (T_DAY, "alert-low", count, 14.0, 10.0, 1.0, 4.0, "alert"),
    ]
    expected_df = spark.createDataFrame(expected, MONITORS_DDL)
    assert_approx_df_equality(
        actual_df, expected_df, 1e-9, ignore_row_order=True, ignore_nullable=True
    )


def test_build_monitors_first_days_lack_history(spark: SparkSession) -> None:
    rows = [dss_row(day(n), "S1", "50", 5) for n in range(8)]  # T-7 .. T
    actual_df = build_store_anomalies(spark.createDataFrame(rows, DSS_DDL)).select(
        "monitor_date", "metric", "status"
    )
    expected_df = spark.createDataFrame(
        [
            (day(n), metric, "insufficient_history" if n > 0 else "ok")
            for n in range(8)
            for metric in ("gross_sales", "transaction_count")
        ],
        "monitor_date date, metric string, status string",
    )
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_with_metric_rows_one_row_per_metric(spark: SparkSession) -> None:
    input_df = spark.createDataFrame([dss_row(T_DAY, "S1", "12.34", 3)], DSS_DDL)
    expected_df = spark.createDataFrame(
        [
            (T_DAY, "S1", "gross_sales", Decimal("12.34")),
            (T_DAY, "S1", "transaction_count", Decimal("3.00")),
        ],
        "monitor_date date, store_id string, metric string, value decimal(20,2)",
    )
    assert_df_equality(
        with_metric_rows(input_df), expected_df, ignore_row_order=True, ignore_nullable=True
    )
