"""Source-contract schemas (shared/contracts/source_data.md), one constant per dataset."""

from pyspark.sql import types as T

TRANSACTIONS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType(), nullable=False),
        T.StructField("store_id", T.StringType(), nullable=False),
        T.StructField("customer_id", T.StringType(), nullable=True),
        T.StructField("timestamp", T.TimestampType(), nullable=False),
        T.StructField("total_amount", T.DecimalType(14, 2), nullable=False),
        T.StructField("payment_method", T.StringType(), nullable=True),
        T.StructField("updated_at", T.TimestampType(), nullable=True),
    ]
)

ITEMS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType(), nullable=False),
        T.StructField("line_number", T.IntegerType(), nullable=False),
        T.StructField("product_id", T.StringType(), nullable=False),
        T.StructField("product_name", T.StringType(), nullable=True),
        T.StructField("brand", T.StringType(), nullable=True),
        T.StructField("category", T.StringType(), nullable=True),
        T.StructField("quantity", T.IntegerType(), nullable=False),
        T.StructField("unit_price", T.DecimalType(12, 2), nullable=False),
        T.StructField("line_amount", T.DecimalType(14, 2), nullable=False),
        T.StructField("updated_at", T.TimestampType(), nullable=True),
    ]
)

CUSTOMERS_SCHEMA = T.StructType(
    [
        T.StructField("customer_id", T.StringType(), nullable=False),
        T.StructField("segment", T.StringType(), nullable=True),
        T.StructField("region", T.StringType(), nullable=True),
        T.StructField("updated_at", T.TimestampType(), nullable=False),
    ]
)

STORES_SCHEMA = T.StructType(
    [
        T.StructField("store_id", T.StringType(), nullable=False),
        T.StructField("store_name", T.StringType(), nullable=True),
        T.StructField("region", T.StringType(), nullable=True),
        T.StructField("province", T.StringType(), nullable=True),
        T.StructField("city", T.StringType(), nullable=True),
        T.StructField("barangay", T.StringType(), nullable=True),
        T.StructField("store_type", T.StringType(), nullable=True),
        T.StructField("latitude", T.DoubleType(), nullable=True),
        T.StructField("longitude", T.DoubleType(), nullable=True),
        T.StructField("opened_at", T.DateType(), nullable=True),
    ]
)

SCHEMAS: dict[str, T.StructType] = {
    "transactions": TRANSACTIONS_SCHEMA,
    "items": ITEMS_SCHEMA,
    "customers": CUSTOMERS_SCHEMA,
    "stores": STORES_SCHEMA,
}
