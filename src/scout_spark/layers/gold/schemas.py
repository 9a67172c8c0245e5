"""Output schemas of the gold and platinum tables (dashboard_schema.md) and the final select."""

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

MONEY = T.DecimalType(14, 2)

GOLD_TRANSACTIONS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType()),
        T.StructField("store_id", T.StringType()),
        T.StructField("customer_id", T.StringType()),
        T.StructField("transaction_ts", T.TimestampType()),
        T.StructField("sales_date", T.DateType()),
        T.StructField("hour_of_day", T.IntegerType()),
        T.StructField("total_amount", MONEY),
        T.StructField("payment_method", T.StringType()),
        T.StructField("transaction_type", T.StringType()),
        T.StructField("item_count", T.LongType()),
        T.StructField("region", T.StringType()),
        T.StructField("customer_segment", T.StringType()),
    ]
)

GOLD_TRANSACTION_ITEMS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType()),
        T.StructField("line_number", T.IntegerType()),
        T.StructField("product_id", T.StringType()),
        T.StructField("product_name", T.StringType()),
        T.StructField("brand", T.StringType()),
        T.StructField("category", T.StringType()),
        T.StructField("quantity", T.LongType()),
        T.StructField("unit_price", MONEY),
        T.StructField("line_amount", MONEY),
        T.StructField("sales_date", T.DateType()),
    ]
)

DAILY_STORE_SALES_SCHEMA = T.StructType(
    [
        T.StructField("sales_date", T.DateType()),
        T.StructField("store_id", T.StringType()),
        T.StructField("region", T.StringType()),
        T.StructField("transaction_count", T.LongType()),
        T.StructField("items_sold", T.LongType()),
        T.StructField("gross_sales", MONEY),
        T.StructField("avg_basket_value", MONEY),
        T.StructField("high_value_count", T.LongType()),
        T.StructField("unique_customers", T.LongType()),
    ]
)

DAILY_CATEGORY_SALES_SCHEMA = T.StructType(
    [
        T.StructField("sales_date", T.DateType()),
        T.StructField("category", T.StringType()),
        T.StructField("brand", T.StringType()),
        T.StructField("units_sold", T.LongType()),
        T.StructField("revenue", MONEY),
        T.StructField("transaction_count", T.LongType()),
    ]
)

HOURLY_SALES_SCHEMA = T.StructType(
    [
        T.StructField("sales_date", T.DateType()),
        T.StructField("hour_of_day", T.IntegerType()),
        T.StructField("transaction_count", T.LongType()),
        T.StructField("gross_sales", MONEY),
    ]
)

PAYMENT_MIX_SCHEMA = T.StructType(
    [
        T.StructField("sales_date", T.DateType()),
        T.StructField("payment_method", T.StringType()),
        T.StructField("transaction_count", T.LongType()),
        T.StructField("gross_sales", MONEY),
        T.StructField("share_of_sales", T.DoubleType()),
    ]
)

MONITORS_SCHEMA = T.StructType(
    [
        T.StructField("monitor_date", T.DateType()),
        T.StructField("store_id", T.StringType()),
        T.StructField("metric", T.StringType()),
        T.StructField("value", T.DoubleType()),
        T.StructField("baseline_mean", T.DoubleType()),
        T.StructField("baseline_std", T.DoubleType()),
        T.StructField("z_score", T.DoubleType()),
        T.StructField("status", T.StringType()),
    ]
)

CUSTOMER_FEATURES_SCHEMA = T.StructType(
    [
        T.StructField("customer_id", T.StringType()),
        T.StructField("segment", T.StringType()),
        T.StructField("recency_days", T.IntegerType()),
        T.StructField("frequency_90d", T.LongType()),
        T.StructField("monetary_90d", MONEY),
        T.StructField("avg_basket_value_90d", MONEY),
        T.StructField("favorite_category", T.StringType()),
    ]
)


def select_schema(df: DataFrame, *, schema: T.StructType) -> DataFrame:
    """Needs every column of `schema`; the final select: exactly those columns, cast."""
    return df.select(*[F.col(f.name).cast(f.dataType).alias(f.name) for f in schema.fields])
