"""The gold daily aggregates as two peers compute them straight from the source files.

Both follow pipeline_semantics.md the obvious way, with no incremental logic, quarantine,
deduplication or lineage: on clean generated data (`--faults none`) there is nothing to
quarantine or deduplicate, so their results must equal gold's. The rules they do apply:
empty text is null; sales_date and hour_of_day are the Asia/Manila (config.timezone)
wall clock of the instant, a naive timestamp being that zone's time already;
payment_method trimmed, lower-cased, null or empty -> cash, outside the set -> other;
a store's region from the stores snapshot (null when the store is not in it); item_count
the sum of the transaction's items' quantity (0 without items); high value above 1000;
items count only when their transaction exists. Output types are the gold schemas'.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.layers.gold.schemas import (
    DAILY_CATEGORY_SALES_SCHEMA,
    DAILY_STORE_SALES_SCHEMA,
    HOURLY_SALES_SCHEMA,
    PAYMENT_MIX_SCHEMA,
)

GOLD_SCHEMAS: dict[str, T.StructType] = {
    "daily_store_sales": DAILY_STORE_SALES_SCHEMA,
    "daily_category_sales": DAILY_CATEGORY_SALES_SCHEMA,
    "hourly_sales": HOURLY_SALES_SCHEMA,
    "payment_mix": PAYMENT_MIX_SCHEMA,
}
HIGH_VALUE_ABOVE = 1000


@dataclass(frozen=True)
class SourceFiles:
    """The Parquet files of each dataset under a landing folder (hive or date folders)."""

    transactions: tuple[Path, ...]
    items: tuple[Path, ...]
    stores: tuple[Path, ...]

    @classmethod
    def find(cls, landing: Path) -> "SourceFiles":
        """Every *.parquet under landing/<dataset>/ (customers are not needed: no aggregate
        uses the customer segment)."""

        def files(dataset: str) -> tuple[Path, ...]:
            found = tuple(sorted((landing / dataset).rglob("*.parquet")))
            if not found:
                raise FileNotFoundError(f"no parquet files under {landing / dataset}")
            return found

        return cls(files("transactions"), files("items"), files("stores"))


def spark_path(path: Path) -> str:
    """A local path as Spark (Hadoop) reads it: file:// and the path unescaped ('dt=...')."""
    return f"file://{path.resolve()}"


# ---------------------------------------------------------------- DuckDB


def _duckdb_list(paths: Sequence[Path]) -> str:
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
    return f"[{quoted}]"


def _duckdb_text(column: str) -> str:
    return f"CASE WHEN trim({column}) = '' THEN NULL ELSE {column} END"


def duckdb_statements(
    files: SourceFiles, *, ts_is_naive: bool, timezone: str, payment_methods: Sequence[str]
) -> list[str]:
    """SQL that stages the enriched transactions and items as temp tables."""
    local_ts = '"timestamp"' if ts_is_naive else f"timezone('{timezone}', \"timestamp\")"
    method = "lower(trim(payment_method))"
    allowed = ", ".join(f"'{m}'" for m in payment_methods)
    return [
        f"""CREATE TEMP TABLE stores AS SELECT store_id, max(region) AS region FROM (
              SELECT {_duckdb_text("store_id")} AS store_id, {_duckdb_text("region")} AS region
              FROM read_parquet({_duckdb_list(files.stores)})) GROUP BY store_id""",
        f"""CREATE TEMP TABLE src_items AS SELECT
              {_duckdb_text("transaction_id")} AS transaction_id,
              {_duckdb_text("category")} AS category, {_duckdb_text("brand")} AS brand,
              CAST(quantity AS BIGINT) AS quantity, line_amount
            FROM read_parquet({_duckdb_list(files.items)})""",
        f"""CREATE TEMP TABLE tx AS
            WITH t AS (
              SELECT {_duckdb_text("transaction_id")} AS transaction_id,
                     {_duckdb_text("store_id")} AS store_id,
                     {_duckdb_text("customer_id")} AS customer_id,
                     {local_ts} AS local_ts, total_amount,
                     CASE WHEN {method} IS NULL OR {method} = '' THEN 'cash'
                          WHEN {method} IN ({allowed}) THEN {method} ELSE 'other' END
                       AS payment_method
              FROM read_parquet({_duckdb_list(files.transactions)})),
            q AS (SELECT transaction_id, sum(quantity) AS qty FROM src_items GROUP BY 1)
            SELECT t.transaction_id, t.store_id, t.customer_id,
                   CAST(t.local_ts AS DATE) AS sales_date,
                   CAST(hour(t.local_ts) AS INTEGER) AS hour_of_day,
                   t.total_amount, CAST(t.total_amount * 100 AS BIGINT) AS cents,
                   t.payment_method, CAST(coalesce(q.qty, 0) AS BIGINT) AS item_count, s.region
            FROM t LEFT JOIN q USING (transaction_id) LEFT JOIN stores s USING (store_id)""",
    ]


# avg_basket_value = gross / count rounded half away from zero to the cent, in integers
# (DuckDB divides decimals in double); Spark rounds the same way (decimal(38,16), then
# (14,2): the quotient's 16 decimals never sit close enough to a half cent to differ).
_AVG_CENTS = "sign(sum(cents)) * ((2 * abs(sum(cents)) + count(*)) // (2 * count(*)))"
DUCKDB_QUERIES: dict[str, str] = {
    "daily_store_sales": f"""
        SELECT sales_date, store_id, max(region) AS region,
               count(*) AS transaction_count, CAST(sum(item_count) AS BIGINT) AS items_sold,
               CAST(sum(total_amount) AS DECIMAL(14,2)) AS gross_sales,
               CAST(CAST({_AVG_CENTS} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(14,2))
                 AS avg_basket_value,
               count(*) FILTER (WHERE total_amount > {HIGH_VALUE_ABOVE}) AS high_value_count,
               count(DISTINCT customer_id) AS unique_customers
        FROM tx GROUP BY sales_date, store_id""",
    "daily_category_sales": """
        SELECT tx.sales_date, i.category, i.brand,
               CAST(sum(i.quantity) AS BIGINT) AS units_sold,
               CAST(sum(i.line_amount) AS DECIMAL(14,2)) AS revenue,
               count(DISTINCT i.transaction_id) AS transaction_count
        FROM src_items i JOIN tx USING (transaction_id)
        GROUP BY tx.sales_date, i.category, i.brand""",
    "hourly_sales": """
        SELECT sales_date, hour_of_day, count(*) AS transaction_count,
               CAST(sum(total_amount) AS DECIMAL(14,2)) AS gross_sales
        FROM tx GROUP BY sales_date, hour_of_day""",
    "payment_mix": """
        SELECT sales_date, payment_method, transaction_count,
               CAST(gross AS DECIMAL(14,2)) AS gross_sales,
               CASE WHEN day_gross <> 0 THEN CAST(gross AS DOUBLE) / day_gross END
                 AS share_of_sales
        FROM (SELECT sales_date, payment_method, count(*) AS transaction_count,
                     sum(total_amount) AS gross,
                     CAST(sum(sum(total_amount)) OVER (PARTITION BY sales_date) AS DOUBLE)
                       AS day_gross
              FROM tx GROUP BY sales_date, payment_method)""",
}


# ---------------------------------------------------------------- naive PySpark


def _text(name: str) -> Column:
    return F.when(F.trim(F.col(name)) == "", F.lit(None)).otherwise(F.col(name)).alias(name)


def _cast_to(df: DataFrame, schema: T.StructType) -> DataFrame:
    return df.select(*[F.col(f.name).cast(f.dataType).alias(f.name) for f in schema.fields])


def naive_pyspark_tables(
    spark: SparkSession, files: SourceFiles, *, timezone: str, payment_methods: Sequence[str]
) -> dict[str, DataFrame]:
    """The four aggregates as DataFrames over the source files (nothing cached)."""
    raw_df = spark.read.parquet(*[spark_path(p) for p in files.transactions])
    ts = F.col("timestamp")
    # Our sessions run in UTC (session.py), so to_date/hour of the shifted instant read
    # the Manila wall clock; a naive (timestamp_ntz) value is Manila time already.
    is_naive = isinstance(raw_df.schema["timestamp"].dataType, T.TimestampNTZType)
    local = ts if is_naive else F.from_utc_timestamp(ts, timezone)
    method = F.lower(F.trim(F.col("payment_method")))
    items_df = spark.read.parquet(*[spark_path(p) for p in files.items]).select(
        _text("transaction_id"), _text("category"), _text("brand"), "quantity", "line_amount"
    )
    stores_df = (
        spark.read.parquet(*[spark_path(p) for p in files.stores])
        .select(_text("store_id"), _text("region"))
        .groupBy("store_id")
        .agg(F.max("region").alias("region"))
    )
    quantity_df = items_df.groupBy("transaction_id").agg(F.sum("quantity").alias("item_count"))
    tx_df = (
        raw_df.select(
            _text("transaction_id"),
            _text("store_id"),
            _text("customer_id"),
            F.to_date(local).alias("sales_date"),
            F.hour(local).alias("hour_of_day"),
            "total_amount",
            F.when(method.isNull() | (method == ""), "cash")
            .when(method.isin(*payment_methods), method)
            .otherwise("other")
            .alias("payment_method"),
        )
        .join(quantity_df, "transaction_id", "left")
        .join(F.broadcast(stores_df), "store_id", "left")
        .fillna(0, ["item_count"])
    )
    day = Window.partitionBy("sales_date")
    day_gross = F.sum("gross_sales").over(day).cast("double")
    tables = {
        "daily_store_sales": tx_df.groupBy("sales_date", "store_id")
        .agg(
            F.max("region").alias("region"),
            F.count(F.lit(1)).alias("transaction_count"),
            F.sum("item_count").alias("items_sold"),
            F.sum("total_amount").alias("gross_sales"),
            F.count(F.when(F.col("total_amount") > HIGH_VALUE_ABOVE, 1)).alias("high_value_count"),
            F.countDistinct("customer_id").alias("unique_customers"),
        )
        .withColumn("avg_basket_value", F.col("gross_sales") / F.col("transaction_count")),
        "daily_category_sales": items_df.join(
            tx_df.select("transaction_id", "sales_date"), "transaction_id"
        )
        .groupBy("sales_date", "category", "brand")
        .agg(
            F.sum("quantity").alias("units_sold"),
            F.sum("line_amount").alias("revenue"),
            F.countDistinct("transaction_id").alias("transaction_count"),
        ),
        "hourly_sales": tx_df.groupBy("sales_date", "hour_of_day").agg(
            F.count(F.lit(1)).alias("transaction_count"),
            F.sum("total_amount").alias("gross_sales"),
        ),
        "payment_mix": tx_df.groupBy("sales_date", "payment_method")
        .agg(
            F.count(F.lit(1)).alias("transaction_count"), F.sum("total_amount").alias("gross_sales")
        )
        .withColumn(
            "share_of_sales",
            F.when(day_gross != 0, F.col("gross_sales").cast("double") / day_gross),
        ),
    }
    return {name: _cast_to(df, GOLD_SCHEMAS[name]) for name, df in tables.items()}
