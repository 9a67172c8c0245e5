"""Store anomalies (platinum/monitors): each store-day figure against its previous 28 days."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from scout_spark.layers.gold.schemas import MONITORS_SCHEMA, select_schema

MONITOR_METRICS = ("gross_sales", "transaction_count")
BASELINE_DAYS = 28
MIN_BASELINE_ROWS = 7
WARN_Z, ALERT_Z = 2.0, 3.0
_EXACT = "decimal(20,2)"  # both metrics fit


def with_metric_rows(daily_store_sales_df: DataFrame) -> DataFrame:
    """Needs sales_date, store_id and the metrics; adds a row per metric: metric, value."""
    return daily_store_sales_df.select(
        F.col("sales_date").alias("monitor_date"),
        "store_id",
        *[F.col(metric).cast(_EXACT).alias(metric) for metric in MONITOR_METRICS],
    ).unpivot(["monitor_date", "store_id"], list(MONITOR_METRICS), "metric", "value")


def with_baseline(df: DataFrame) -> DataFrame:
    """Needs monitor_date, store_id, metric, value; adds _baseline_rows/_sum/_sum_sq."""
    # Of the same store's rows 1..28 days before; sums stay exact decimals.
    days_before = (
        Window.partitionBy("store_id", "metric")
        .orderBy(F.unix_date(F.col("monitor_date")))
        .rangeBetween(-BASELINE_DAYS, -1)
    )
    return df.withColumns(
        {
            "_baseline_rows": F.count(F.lit(1)).over(days_before),
            "_baseline_sum": F.sum("value").over(days_before),
            "_baseline_sum_sq": F.sum(F.col("value") * F.col("value")).over(days_before),
        }
    )


def with_monitor_status(df: DataFrame) -> DataFrame:
    """Needs value and the with_baseline columns; adds baseline_mean/std, z_score, status."""
    # The spread n * sum(x^2) - sum(x)^2 = n (n - 1) * variance is exact in decimals, so
    # "std is 0" and "value equals the mean" are exact tests, and z = (n * value - sum) /
    # (n * std) has an exact numerator: a z of exactly 2 or 3 is not lost to rounding.
    rows, total = F.col("_baseline_rows"), F.col("_baseline_sum")
    has_history = rows >= MIN_BASELINE_ROWS
    spread = rows * F.col("_baseline_sum_sq") - total * total
    is_flat = spread == 0
    # try_divide: under ANSI a zero divisor (n < 2, or std 0) must not raise.
    std = F.sqrt(F.try_divide(spread.cast("double"), rows * (rows - 1)))
    z = F.try_divide((F.col("value") * rows - total).cast("double"), rows * std)
    status = (
        F.when(~has_history, F.lit("insufficient_history"))
        .when(is_flat & (F.col("value") * rows == total), F.lit("ok"))
        .when(is_flat, F.lit("alert"))
        .when(F.abs(z) >= ALERT_Z, F.lit("alert"))
        .when(F.abs(z) >= WARN_Z, F.lit("warn"))
        .otherwise(F.lit("ok"))
    )
    return df.withColumns(
        {
            "baseline_mean": F.when(has_history, F.try_divide(total.cast("double"), rows)),
            "baseline_std": F.when(has_history, std),
            "z_score": F.when(has_history & ~is_flat, z),
            "status": status,
        }
    )


def build_store_anomalies(daily_store_sales_df: DataFrame) -> DataFrame:
    """gold/daily_store_sales (with 28 days of history before the dates wanted) -> monitors."""
    return (
        daily_store_sales_df.transform(with_metric_rows)
        .transform(with_baseline)
        .transform(with_monitor_status)
        .transform(select_schema, schema=MONITORS_SCHEMA)
    )
