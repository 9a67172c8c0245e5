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
DATASETS: tuple[str, ...] = tuple(SCHEMAS)  # the four that land, each with its own tables

# Bronze: one table per dataset under <lake>/bronze/<dataset>. Every source value is kept
# as delivered, as text (typed formats are rendered to their canonical text), so all
# formats share one table; columns the contract does not name are added as they appear.
BRONZE_LINEAGE_FIELDS = [
    T.StructField("_raw_record", T.StringType(), True),  # the record as delivered (JSON text)
    T.StructField("_parse_error", T.StringType(), True),  # null when the row parsed
    T.StructField("_source_file", T.StringType(), False),
    T.StructField("_source_format", T.StringType(), False),
    T.StructField("_source_size", T.LongType(), False),
    T.StructField("_source_modified_at", T.TimestampType(), False),
    T.StructField("_source_row", T.LongType(), False),  # 0-based position in the file
    T.StructField("_ingested_at", T.TimestampType(), False),
    T.StructField("_ingest_date", T.DateType(), False),  # partition column
    T.StructField("_run_id", T.StringType(), False),
]


def bronze_schema(dataset: str) -> T.StructType:
    """Contract columns as text, then lineage: the minimum schema of a bronze table."""
    text_fields = [T.StructField(f.name, T.StringType(), True) for f in SCHEMAS[dataset].fields]
    return T.StructType(text_fields + BRONZE_LINEAGE_FIELDS)


# Silver: typed and deduplicated. Lineage of the winning bronze row is kept.
SILVER_LINEAGE_FIELDS = [
    T.StructField("_source_file", T.StringType(), True),
    T.StructField("_source_modified_at", T.TimestampType(), True),
    T.StructField("_source_row", T.LongType(), True),
    T.StructField("_ingested_at", T.TimestampType(), True),
    T.StructField("_run_id", T.StringType(), True),
]

SILVER_TRANSACTIONS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType(), False),
        T.StructField("store_id", T.StringType(), False),
        T.StructField("customer_id", T.StringType(), True),
        T.StructField("transaction_ts", T.TimestampType(), False),  # UTC instant
        T.StructField("total_amount", T.DecimalType(14, 2), False),
        T.StructField("payment_method", T.StringType(), False),  # normalised
        T.StructField("updated_at", T.TimestampType(), True),
        *SILVER_LINEAGE_FIELDS,
    ]
)

SILVER_ITEMS_SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType(), False),
        T.StructField("line_number", T.IntegerType(), False),
        T.StructField("product_id", T.StringType(), False),
        T.StructField("product_name", T.StringType(), True),
        T.StructField("brand", T.StringType(), True),
        T.StructField("category", T.StringType(), True),
        T.StructField("quantity", T.IntegerType(), False),
        T.StructField("unit_price", T.DecimalType(12, 2), False),
        T.StructField("line_amount", T.DecimalType(14, 2), False),
        T.StructField("updated_at", T.TimestampType(), True),
        *SILVER_LINEAGE_FIELDS,
    ]
)

# SCD type 2: one row per customer version; valid_to is null on the current row.
# silver/customers keeps every version of a customer (SCD type 2): one row per key.
SCD2_KEYS = ("customer_id", "valid_from")
SILVER_CUSTOMERS_SCHEMA = T.StructType(
    [
        T.StructField("customer_id", T.StringType(), False),
        T.StructField("segment", T.StringType(), True),
        T.StructField("region", T.StringType(), True),
        T.StructField("updated_at", T.TimestampType(), False),
        T.StructField("valid_from", T.TimestampType(), False),
        T.StructField("valid_to", T.TimestampType(), True),
        T.StructField("is_current", T.BooleanType(), False),
    ]
)

# SCD type 1: each store as in the latest snapshot file delivered.
SILVER_STORES_SCHEMA = T.StructType(
    [*STORES_SCHEMA.fields, T.StructField("_source_modified_at", T.TimestampType(), True)]
)
