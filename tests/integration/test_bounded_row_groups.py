"""Lake tables are written in bounded Parquet row groups: a task reads one group whole."""

from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.session import PARQUET_ROW_GROUP_BYTES


def test_a_large_delta_write_is_split_into_bounded_row_groups(
    spark: SparkSession, tmp_path: Path
) -> None:
    text = F.col("id").cast("string")
    rows_df = spark.range(0, 300_000, numPartitions=1).select(
        F.sha2(text, 512).alias("a"), F.sha2(text, 256).alias("b")
    )  # ~58 MB of incompressible text in one task
    rows_df.write.format("delta").save(str(tmp_path / "table"))

    groups = [
        meta.row_group(i).total_byte_size
        for path in (tmp_path / "table").glob("*.parquet")
        for meta in [pq.ParquetFile(path).metadata]
        for i in range(meta.num_row_groups)
    ]
    assert len(groups) >= 3, groups
    assert max(groups) <= 2 * PARQUET_ROW_GROUP_BYTES, groups
