"""Gold aggregates by sales date: per store, per category and brand, per hour, per payment."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from scout_spark.layers.gold.schemas import (
    DAILY_CATEGORY_SALES_SCHEMA,
    DAILY_STORE_SALES_SCHEMA,
    HOURLY_SALES_SCHEMA,
    PAYMENT_MIX_SCHEMA,
    select_schema,
)


def build_daily_store_sales(gold_transactions_df: DataFrame) -> DataFrame:
    """Gold transactions -> gold/daily_store_sales, one row per (sales_date, store_id)."""
    is_high_value = F.col("transaction_type") == F.lit("high_value")
    return (
        gold_transactions_df.groupBy("sales_date", "store_id")
        .agg(
            F.max("region").alias("region"),  # one region per store: max just picks it
            F.count(F.lit(1)).alias("transaction_count"),
            F.sum("item_count").alias("items_sold"),
            F.sum("total_amount").alias("gross_sales"),
            F.count(F.when(is_high_value, F.lit(1))).alias("high_value_count"),
            F.countDistinct("customer_id").alias("unique_customers"),
        )
        .withColumn("avg_basket_value", F.col("gross_sales") / F.col("transaction_count"))
        .transform(select_schema, schema=DAILY_STORE_SALES_SCHEMA)
    )


def build_daily_category_sales(gold_items_df: DataFrame) -> DataFrame:
    """Gold items -> gold/daily_category_sales; a null category or brand stays null."""
    return (
        gold_items_df.groupBy("sales_date", "category", "brand")
        .agg(
            F.sum("quantity").alias("units_sold"),
            F.sum("line_amount").alias("revenue"),
            F.countDistinct("transaction_id").alias("transaction_count"),
        )
        .transform(select_schema, schema=DAILY_CATEGORY_SALES_SCHEMA)
    )


def build_hourly_sales(gold_transactions_df: DataFrame) -> DataFrame:
    """Gold transactions -> gold/hourly_sales, one row per (sales_date, hour_of_day) with sales."""
    return (
        gold_transactions_df.groupBy("sales_date", "hour_of_day")
        .agg(
            F.count(F.lit(1)).alias("transaction_count"),
            F.sum("total_amount").alias("gross_sales"),
        )
        .transform(select_schema, schema=HOURLY_SALES_SCHEMA)
    )


def build_payment_mix(gold_transactions_df: DataFrame) -> DataFrame:
    """Gold transactions -> gold/payment_mix; share_of_sales is null when the day grossed 0."""
    # In double: a decimal quotient of these precisions would keep only 6 decimal places.
    day_gross = F.sum("gross_sales").over(Window.partitionBy("sales_date")).cast("double")
    share = F.when(day_gross != 0, F.col("gross_sales").cast("double") / day_gross)
    return (
        gold_transactions_df.groupBy("sales_date", "payment_method")
        .agg(
            F.count(F.lit(1)).alias("transaction_count"),
            F.sum("total_amount").alias("gross_sales"),
        )
        .withColumn("share_of_sales", share)
        .transform(select_schema, schema=PAYMENT_MIX_SCHEMA)
    )
