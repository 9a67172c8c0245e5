"""Bronze transforms: attach file lineage and project to the bronze table's shape."""

from datetime import datetime

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.schemas import BRONZE_LINEAGE_FIELDS, SCHEMAS

LINEAGE_NAMES = [f.name for f in BRONZE_LINEAGE_FIELDS]
FILES_SCHEMA = T.StructType(
    [
        T.StructField("_file_uri", T.StringType(), False),
        T.StructField("_source_file", T.StringType(), False),
        T.StructField("_source_format", T.StringType(), False),
        T.StructField("_source_size", T.LongType(), False),
        T.StructField("_source_modified_at", T.TimestampType(), False),
    ]
)


def with_lineage(
    raw_df: DataFrame, *, files_df: DataFrame, ingested_at: datetime, run_id: str
) -> DataFrame:
    """Needs `_file_uri`, `_read_order`; adds the `_source_*`, `_ingest*` and `_run_id` columns."""
    in_file_order = Window.partitionBy("_file_uri").orderBy("_read_order")
    return (
        raw_df.join(F.broadcast(files_df), on="_file_uri", how="left")
        .withColumn("_source_row", F.row_number().over(in_file_order) - F.lit(1))
        .withColumn("_ingested_at", F.lit(ingested_at).cast("timestamp"))
        .withColumn("_ingest_date", F.to_date(F.col("_ingested_at")))
        .withColumn("_run_id", F.lit(run_id))
    )


def select_bronze(df: DataFrame, *, dataset: str) -> DataFrame:
    """Contract columns (as text, null when absent), then drifted columns, then lineage."""
    contract = [f.name for f in SCHEMAS[dataset].fields]
    internal = {"_file_uri", "_read_order", *LINEAGE_NAMES}
    extras = sorted(c for c in df.columns if c not in internal and c not in contract)
    contract_cols = [
        (F.col(c) if c in df.columns else F.lit(None)).cast("string").alias(c) for c in contract
    ]
    return df.select(
        *contract_cols,
        *[F.col(f"`{c}`").cast("string").alias(c) for c in extras],
        *[F.col(f.name).cast(f.dataType).alias(f.name) for f in BRONZE_LINEAGE_FIELDS],
    )
