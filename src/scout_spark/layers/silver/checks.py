"""The frame quality rules run on: typed rows, plus the cross-table facts warn rules use.

Transactions get `items_line_amount` (sum of their items' line_amount; null when they have
no items yet) and `store_known` (their store_id is in the stores table), so the contract's
warn checks are ordinary rules in conf/quality_rules.yaml.
"""

from collections.abc import Sequence
from datetime import datetime

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from scout_spark.layers.silver.cast import select_typed_rows, with_bronze_columns

ITEM_KEYS = ("transaction_id", "line_number")


def build_items_after_batch(silver_items_df: DataFrame, *, batch_items_df: DataFrame) -> DataFrame:
    """Needs item keys and line_amount on both; silver items with the batch's in their place."""
    batch_df = batch_items_df.select(*ITEM_KEYS, "line_amount")
    kept_df = silver_items_df.select(*ITEM_KEYS, "line_amount").join(
        batch_df.select(*ITEM_KEYS), on=list(ITEM_KEYS), how="left_anti"
    )
    return kept_df.unionByName(batch_df)


def with_items_total(df: DataFrame, *, items_df: DataFrame) -> DataFrame:
    """Needs transaction_id; adds items_line_amount (null when the transaction has no items)."""
    wanted_df = df.select("transaction_id").distinct()
    totals_df = (
        items_df.join(wanted_df, on="transaction_id", how="left_semi")
        .groupBy("transaction_id")
        .agg(F.sum("line_amount").alias("items_line_amount"))
    )
    return df.join(totals_df, on="transaction_id", how="left")


def with_store_known(df: DataFrame, *, stores_df: DataFrame) -> DataFrame:
    """Needs store_id; adds store_known (the store_id is in `stores_df`)."""
    known_df = stores_df.select(
        F.col("store_id").alias("_known_store_id"), F.lit(True).alias("_is_known")
    ).dropDuplicates(["_known_store_id"])
    return (
        df.join(known_df, on=F.col("store_id") == F.col("_known_store_id"), how="left")
        .withColumn("store_known", F.coalesce(F.col("_is_known"), F.lit(False)))
        .drop("_known_store_id", "_is_known")
    )


def build_rule_input(
    bronze_df: DataFrame,
    *,
    dataset: str,
    timezone: str,
    payment_methods: Sequence[str],
    checked_at: datetime,
    items_df: DataFrame | None = None,
    stores_df: DataFrame | None = None,
) -> DataFrame:
    """Bronze rows -> typed rows with `_raw`, lineage, `_now` (= checked_at) and, for
    transactions, the check facts."""
    typed_df = (
        bronze_df.transform(with_bronze_columns, dataset=dataset)
        .transform(
            select_typed_rows, dataset=dataset, timezone=timezone, payment_methods=payment_methods
        )
        .withColumn("_now", F.lit(checked_at).cast("timestamp"))
    )
    if dataset != "transactions":
        return typed_df
    if items_df is None or stores_df is None:
        raise ValueError("transactions need items_df and stores_df for their warn checks")
    return typed_df.transform(with_items_total, items_df=items_df).transform(
        with_store_known, stores_df=stores_df
    )
