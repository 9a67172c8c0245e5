"""Bronze transforms: project to the bronze table's shape (lineage: layers/bronze/lineage.py)."""

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from scout_spark.schemas import BRONZE_LINEAGE_FIELDS, SCHEMAS

LINEAGE_NAMES = [f.name for f in BRONZE_LINEAGE_FIELDS]


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
