"""Silver customers as SCD type 2 on (segment, region), ordered by updated_at.

Customer history is recomputed per touched customer from its silver versions plus the
batch's snapshot rows, so a late snapshot (an updated_at inside the existing history)
splits the version it falls in. A version starts at the first snapshot showing its
(segment, region); updated_at = valid_from, so a snapshot repeating the current state
changes no silver row (and no downstream restatement).
"""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from scout_spark.layers.silver.dedup import INGEST_ORDER, filter_latest_per_key
from scout_spark.schemas import SCD2_KEYS, SILVER_CUSTOMERS_SCHEMA

SCD2_COLUMNS = tuple(f.name for f in SILVER_CUSTOMERS_SCHEMA.fields)
_TRACKED = ("segment", "region")


def filter_touched_customers(history_df: DataFrame, *, batch_df: DataFrame) -> DataFrame:
    """Needs customer_id on both; keeps the silver versions of the batch's customers."""
    touched_df = batch_df.select("customer_id").distinct()
    return history_df.join(touched_df, on="customer_id", how="left_semi")


def _observations(batch_df: DataFrame, history_df: DataFrame) -> DataFrame:
    """One (segment, region) per customer and time: the batch wins over silver, then the
    latest ingested."""
    batch_obs_df = batch_df.select(
        "customer_id", "segment", "region", "updated_at",
        F.lit(1).alias("_from_batch"), *INGEST_ORDER,
    )  # fmt: skip
    history_obs_df = history_df.select(
        "customer_id", "segment", "region", F.col("valid_from").alias("updated_at"),
        F.lit(0).alias("_from_batch"),
        F.lit(None).cast("timestamp").alias("_source_modified_at"),
        F.lit(None).cast("string").alias("_source_file"),
        F.lit(None).cast("long").alias("_source_row"),
    )  # fmt: skip
    return batch_obs_df.unionByName(history_obs_df).transform(
        filter_latest_per_key,
        keys=("customer_id", "updated_at"),
        order=("_from_batch", *INGEST_ORDER),
    )


def build_customer_history(batch_df: DataFrame, *, history_df: DataFrame) -> DataFrame:
    """Needs batch customer_id, segment, region, updated_at, ingest lineage and the silver
    versions of those customers; their whole SCD2 history in the silver schema."""
    by_time = Window.partitionBy("customer_id").orderBy("updated_at")
    state: Column = F.struct(*[F.col(c) for c in _TRACKED])
    is_change = ~F.coalesce(F.lag(state).over(by_time).eqNullSafe(state), F.lit(False))
    valid_to = F.lead("updated_at").over(by_time)
    return (
        _observations(batch_df, history_df)
        .withColumn("_is_change", is_change)
        .filter(F.col("_is_change"))
        .withColumn("valid_to", valid_to)
        .select(
            F.col("customer_id").cast("string"),
            F.col("segment").cast("string"),
            F.col("region").cast("string"),
            F.col("updated_at").cast("timestamp"),
            F.col("updated_at").cast("timestamp").alias("valid_from"),
            F.col("valid_to").cast("timestamp"),
            F.col("valid_to").isNull().alias("is_current"),
        )
    )


def build_customer_changes(new_history_df: DataFrame, *, history_df: DataFrame) -> DataFrame:
    """Needs the recomputed and the old versions of the touched customers; the versions to
    upsert or delete (column _action), unchanged versions left out."""
    values = [c for c in SCD2_COLUMNS if c not in SCD2_KEYS]
    old_df = history_df.select(
        *SCD2_KEYS, F.struct(*values).alias("_old"), F.lit(True).alias("_in_old")
    )
    new_df = new_history_df.select(*SCD2_COLUMNS, F.lit(True).alias("_in_new"))
    is_new = F.col("_in_new").isNotNull()
    is_unchanged = is_new & F.col("_old").eqNullSafe(F.struct(*values))
    return (
        new_df.join(old_df, on=list(SCD2_KEYS), how="full")
        .filter(~is_unchanged)
        .select(
            *[F.col(c) for c in SCD2_COLUMNS],
            F.when(is_new, F.lit("upsert")).otherwise(F.lit("delete")).alias("_action"),
        )
    )
