"""Gold transactions and items: silver rows with business-time fields and their dimensions."""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from scout_spark.layers.gold.schemas import (
    GOLD_TRANSACTION_ITEMS_SCHEMA,
    GOLD_TRANSACTIONS_SCHEMA,
    select_schema,
)

HIGH_VALUE_ABOVE = 1000
UNKNOWN_SEGMENT = "unknown"
_MICROS_PER_DAY = 86_400_000_000
_MICROS_PER_HOUR = 3_600_000_000


def local_wall_clock_micros(ts: Column, timezone: str) -> Column:
    """The wall-clock reading in `timezone` of the instant `ts`, as micros since the epoch."""
    # From the instant alone: unlike to_date/hour of a shifted timestamp, this does not
    # depend on the session time zone.
    return F.unix_micros(F.from_utc_timestamp(ts, timezone))


def local_date(ts: Column, timezone: str) -> Column:
    """The calendar date in `timezone` of the instant `ts`."""
    days = F.floor(local_wall_clock_micros(ts, timezone) / _MICROS_PER_DAY)
    return F.date_from_unix_date(days.cast("int"))


def local_hour(ts: Column, timezone: str) -> Column:
    """The hour of day (0-23) in `timezone` of the instant `ts`."""
    micros_into_day = F.pmod(local_wall_clock_micros(ts, timezone), F.lit(_MICROS_PER_DAY))
    return F.floor(micros_into_day / _MICROS_PER_HOUR).cast("int")


def with_sales_calendar(df: DataFrame, *, timezone: str) -> DataFrame:
    """Needs transaction_ts (an instant); adds sales_date and hour_of_day in `timezone`."""
    return df.withColumns(
        {
            "sales_date": local_date(F.col("transaction_ts"), timezone),
            "hour_of_day": local_hour(F.col("transaction_ts"), timezone),
        }
    )


def with_transaction_type(df: DataFrame) -> DataFrame:
    """Needs total_amount; adds transaction_type: high_value above 1000, else standard."""
    is_high_value = F.col("total_amount") > F.lit(HIGH_VALUE_ABOVE)
    return df.withColumn(
        "transaction_type", F.when(is_high_value, "high_value").otherwise("standard")
    )


def with_item_count(df: DataFrame, *, items_df: DataFrame) -> DataFrame:
    """Needs transaction_id; adds item_count, the sum of its items' quantity (0 without items)."""
    counts_df = items_df.groupBy("transaction_id").agg(F.sum("quantity").alias("_quantity"))
    return (
        df.join(counts_df, on="transaction_id", how="left")
        .withColumn("item_count", F.coalesce(F.col("_quantity"), F.lit(0)).cast("bigint"))
        .drop("_quantity")
    )


def with_store_region(df: DataFrame, *, stores_df: DataFrame) -> DataFrame:
    """Needs store_id; adds region from the stores table (null for a store not in it)."""
    # SCD1 has one row per store; aggregating keeps a stray duplicate from doubling sales.
    regions_df = stores_df.groupBy("store_id").agg(F.max("region").alias("region"))
    return df.join(F.broadcast(regions_df), on="store_id", how="left")  # stores are few


def with_customer_segment(df: DataFrame, *, customers_df: DataFrame) -> DataFrame:
    """Needs transaction_id, customer_id, transaction_ts; adds customer_segment valid then."""
    # Point in time on the SCD2 rows: valid_from <= transaction_ts < valid_to (or open).
    # Null for walk-ins; `unknown` when no version (or one without a segment) was valid.
    versions_df = customers_df.select(
        F.col("customer_id").alias("_version_customer_id"),
        F.col("segment").alias("_version_segment"),
        F.col("valid_from").alias("_valid_from"),
        F.col("valid_to").alias("_valid_to"),
    )
    is_valid_then = (
        (F.col("customer_id") == F.col("_version_customer_id"))
        & (F.col("_valid_from") <= F.col("transaction_ts"))
        & (F.col("_valid_to").isNull() | (F.col("transaction_ts") < F.col("_valid_to")))
    )
    # Versions should not overlap; if they do, the latest valid_from wins, deterministically.
    latest_version_first = Window.partitionBy("transaction_id").orderBy(
        F.col("_valid_from").desc_nulls_last(), F.col("_version_segment").asc_nulls_last()
    )
    segment = F.when(F.col("customer_id").isNull(), F.lit(None)).otherwise(
        F.coalesce(F.col("_version_segment"), F.lit(UNKNOWN_SEGMENT))
    )
    return (
        df.join(versions_df, on=is_valid_then, how="left")
        .withColumn("_version_rank", F.row_number().over(latest_version_first))
        .filter(F.col("_version_rank") == 1)
        .withColumn("customer_segment", segment)
        .drop("_version_customer_id", "_version_segment", "_valid_from", "_valid_to")
        .drop("_version_rank")
    )


def select_gold_transactions(df: DataFrame) -> DataFrame:
    """The gold/transactions output schema."""
    return select_schema(df, schema=GOLD_TRANSACTIONS_SCHEMA)


def build_gold_transactions(
    transactions_df: DataFrame,
    *,
    items_df: DataFrame,
    stores_df: DataFrame,
    customers_df: DataFrame,
    timezone: str,
) -> DataFrame:
    """Silver transactions (with their silver items, stores, customers) -> gold/transactions."""
    return (
        transactions_df.transform(with_sales_calendar, timezone=timezone)
        .transform(with_transaction_type)
        .transform(with_item_count, items_df=items_df)
        .transform(with_store_region, stores_df=stores_df)
        .transform(with_customer_segment, customers_df=customers_df)
        .transform(select_gold_transactions)
    )


def build_gold_transaction_items(
    items_df: DataFrame, *, gold_transactions_df: DataFrame
) -> DataFrame:
    """Silver items whose transaction is in gold, with that transaction's sales_date."""
    dates_df = gold_transactions_df.select("transaction_id", "sales_date")
    return items_df.join(dates_df, on="transaction_id", how="inner").transform(
        select_schema, schema=GOLD_TRANSACTION_ITEMS_SCHEMA
    )


def filter_items_without_transaction(
    items_df: DataFrame, *, gold_transactions_df: DataFrame
) -> DataFrame:
    """Silver items whose transaction_id is not in gold: the rows gold leaves out."""
    keys_df = gold_transactions_df.select("transaction_id")
    return items_df.join(keys_df, on="transaction_id", how="left_anti")
