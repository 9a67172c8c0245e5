"""Platinum customer features: recency, 90-day frequency and spend, favourite category."""

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from scout_spark.layers.gold.schemas import CUSTOMER_FEATURES_SCHEMA, select_schema

WINDOW_DAYS = 90
UNKNOWN_CATEGORY = "unknown"


def with_as_of_date(df: DataFrame, *, gold_transactions_df: DataFrame) -> DataFrame:
    """Adds _as_of: D, the latest sales_date in gold, and _window_start: D - 89."""
    as_of_df = gold_transactions_df.agg(F.max("sales_date").alias("_as_of")).withColumn(
        "_window_start", F.date_sub(F.col("_as_of"), WINDOW_DAYS - 1)
    )
    return df.crossJoin(F.broadcast(as_of_df))


def select_customer_activity(gold_transactions_df: DataFrame) -> DataFrame:
    """Per customer: recency_days, frequency_90d, monetary_90d, avg_basket_value_90d."""
    is_in_window = F.col("sales_date") >= F.col("_window_start")
    return (
        gold_transactions_df.filter(F.col("customer_id").isNotNull())
        .transform(with_as_of_date, gold_transactions_df=gold_transactions_df)
        .groupBy("customer_id", "_as_of")
        .agg(
            F.max("sales_date").alias("_latest_date"),
            F.count(F.when(is_in_window, F.lit(1))).alias("frequency_90d"),
            F.sum(F.when(is_in_window, F.col("total_amount"))).alias("_monetary"),
        )
        .withColumns(
            {
                "recency_days": F.datediff(F.col("_as_of"), F.col("_latest_date")),
                "monetary_90d": F.coalesce(F.col("_monetary"), F.lit(0)),
                "avg_basket_value_90d": F.when(
                    F.col("frequency_90d") > 0, F.col("_monetary") / F.col("frequency_90d")
                ),
            }
        )
        .select(
            "customer_id", "recency_days", "frequency_90d", "monetary_90d", "avg_basket_value_90d"
        )
    )


def select_favorite_categories(
    gold_items_df: DataFrame, *, gold_transactions_df: DataFrame
) -> DataFrame:
    """Per customer: favorite_category, most units in the window (ties: alphabetically first)."""
    buyers_df = gold_transactions_df.filter(F.col("customer_id").isNotNull()).select(
        "transaction_id", "customer_id"
    )
    most_units_first = Window.partitionBy("customer_id").orderBy(
        F.col("_units").desc(), F.col("favorite_category").asc()
    )
    return (
        gold_items_df.transform(with_as_of_date, gold_transactions_df=gold_transactions_df)
        .filter(F.col("sales_date") >= F.col("_window_start"))
        .join(buyers_df, on="transaction_id", how="inner")
        .withColumn("favorite_category", F.coalesce(F.col("category"), F.lit(UNKNOWN_CATEGORY)))
        .groupBy("customer_id", "favorite_category")
        .agg(F.sum("quantity").alias("_units"))
        .withColumn("_rank", F.row_number().over(most_units_first))
        .filter(F.col("_rank") == 1)
        .select("customer_id", "favorite_category")
    )


def select_current_segments(customers_df: DataFrame) -> DataFrame:
    """Per customer: segment of the current SCD2 row."""
    return (
        customers_df.filter(F.col("is_current"))
        .groupBy("customer_id")
        .agg(F.max_by("segment", "valid_from").alias("segment"))
    )


def build_customer_features(
    gold_transactions_df: DataFrame, *, gold_items_df: DataFrame, customers_df: DataFrame
) -> DataFrame:
    """All of gold transactions and items, silver customers -> platinum/customer_features."""
    favorites_df = select_favorite_categories(
        gold_items_df, gold_transactions_df=gold_transactions_df
    )
    return (
        select_customer_activity(gold_transactions_df)
        .join(select_current_segments(customers_df), on="customer_id", how="left")
        .join(favorites_df, on="customer_id", how="left")
        .transform(select_schema, schema=CUSTOMER_FEATURES_SCHEMA)
    )
