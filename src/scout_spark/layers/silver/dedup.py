"""Silver step 4: one row per key, the latest version winning, and the MERGE conditions.

Version order (newest first): updated_at (null is older than any value), then the latest
ingested: _source_modified_at, _source_file, _source_row. The same order decides inside a
batch (a window) and against silver (the MERGE update condition), so an older version
arriving after a newer one never replaces it, and an identical re-send changes nothing.
"""

from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.schemas import (
    SILVER_ITEMS_SCHEMA,
    SILVER_LINEAGE_FIELDS,
    SILVER_STORES_SCHEMA,
    SILVER_TRANSACTIONS_SCHEMA,
)

INGEST_ORDER = ("_source_modified_at", "_source_file", "_source_row")
VERSION_ORDER = ("updated_at", *INGEST_ORDER)
# Business key of each dataset's rows within a batch (customers: one row per snapshot time).
BATCH_KEYS: dict[str, tuple[str, ...]] = {
    "transactions": ("transaction_id",),
    "items": ("transaction_id", "line_number"),
    "customers": ("customer_id", "updated_at"),
    "stores": ("store_id",),
}
BATCH_ORDER: dict[str, tuple[str, ...]] = {
    "transactions": VERSION_ORDER,
    "items": VERSION_ORDER,
    "customers": INGEST_ORDER,
    "stores": INGEST_ORDER,
}
SILVER_SCHEMAS: dict[str, T.StructType] = {
    "transactions": SILVER_TRANSACTIONS_SCHEMA,
    "items": SILVER_ITEMS_SCHEMA,
    "stores": SILVER_STORES_SCHEMA,
}
_LINEAGE = {f.name for f in SILVER_LINEAGE_FIELDS}


def business_columns(schema: T.StructType) -> tuple[str, ...]:
    """The schema's columns that carry data, not lineage."""
    return tuple(f.name for f in schema.fields if f.name not in _LINEAGE)


def filter_latest_per_key(df: DataFrame, *, keys: Sequence[str], order: Sequence[str]) -> DataFrame:
    """Needs `keys` and `order`; keeps the newest row per key (`order` descending, nulls
    oldest)."""
    newest_first = Window.partitionBy(*keys).orderBy(*[F.col(c).desc_nulls_last() for c in order])
    return (
        df.withColumn("_version_rank", F.row_number().over(newest_first))
        .filter(F.col("_version_rank") == 1)
        .drop("_version_rank")
    )


def _quoted(alias: str, column: str) -> str:
    return f"{alias}.`{column}`"


def newer_condition(order: Sequence[str], *, source: str = "s", target: str = "t") -> str:
    """SQL: the source row sorts after the target row by `order` (a null sorts first)."""
    condition = "false"
    for column in reversed(order):
        s, t = _quoted(source, column), _quoted(target, column)
        greater = f"coalesce({s} > {t}, {s} IS NOT NULL AND {t} IS NULL)"
        condition = f"({greater} OR ({s} <=> {t} AND {condition}))"
    return condition


def identical_condition(columns: Sequence[str], *, source: str = "s", target: str = "t") -> str:
    """SQL: every column of the two rows is equal (null equals null)."""
    return " AND ".join(f"{_quoted(source, c)} <=> {_quoted(target, c)}" for c in columns)


def build_update_condition(*, order: Sequence[str], compare: Sequence[str]) -> str:
    """MERGE update condition: the source is newer and differs in a compared column; false
    for an identical or an older row, so neither is rewritten."""
    return f"{newer_condition(order)} AND NOT ({identical_condition(compare)})"


def build_latest_passing(df: DataFrame, *, dataset: str) -> DataFrame:
    """Needs rule results; the passing rows, newest per batch key (the MERGE source); in the
    silver schema, except customers (typed snapshot rows, for the SCD2 history)."""
    latest_df = df.filter(F.size("_failed_rules") == 0).transform(
        filter_latest_per_key, keys=BATCH_KEYS[dataset], order=BATCH_ORDER[dataset]
    )
    return latest_df if dataset == "customers" else select_silver_rows(latest_df, dataset=dataset)


def select_silver_rows(df: DataFrame, *, dataset: str) -> DataFrame:
    """Needs the silver columns of `dataset` (transactions, items, stores): its schema."""
    return df.select(
        *[F.col(f.name).cast(f.dataType).alias(f.name) for f in SILVER_SCHEMAS[dataset].fields]
    )
