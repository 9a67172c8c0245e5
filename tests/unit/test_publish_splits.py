"""The publish's tasks stay small, over Connect as on classic: each task's encoded rows reach
the driver whole, as its result. A full publish of a 1M-transaction lake in Spark's default
128 MB splits ran a 2 GB Connect server out of heap; at 10M, 32 MB Parquet splits made 480 MB
results, which a 1 GB driver could not hold."""

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.publish import binary_copy
from scout_spark.publish.binary_copy import (
    MAX_PARTITION_BYTES,
    MIN_PARTITIONS,
    TEXT_BYTES,
    _split_conf,
    bounded_partitions,
    encoded_row_bytes,
)


@pytest.mark.parametrize(
    ("parallelism", "splits"), [(None, MIN_PARTITIONS), (2, MIN_PARTITIONS), (64, 64)]
)
def test_splits_are_bounded_whether_or_not_the_parallelism_is_known(
    monkeypatch: pytest.MonkeyPatch, parallelism: int | None, splits: int
) -> None:
    # None: a Connect client, which cannot know its server's parallelism.
    monkeypatch.setattr(binary_copy, "default_parallelism", lambda spark: parallelism)

    conf = _split_conf(None)  # type: ignore[arg-type]

    assert conf == {
        "spark.sql.files.minPartitionNum": str(splits),
        "spark.sql.files.maxPartitionBytes": str(MAX_PARTITION_BYTES),
    }
    assert MAX_PARTITION_BYTES <= 32 << 20


def test_an_encoded_row_is_guessed_from_its_columns() -> None:
    schema = T.StructType(
        [
            T.StructField("id", T.StringType()),  # 4 + TEXT_BYTES
            T.StructField("n", T.LongType()),  # 4 + 8
            T.StructField("day", T.DateType()),  # 4 + 4
            T.StructField("amount", T.DecimalType(12, 2)),  # 4 + 8 + 2 * 3 digit groups
        ]
    )

    assert encoded_row_bytes(schema) == 2 + (4 + TEXT_BYTES) + 12 + 8 + 18


def _rows(spark: SparkSession) -> DataFrame:
    rows = spark.range(20_000).selectExpr("cast(id as string) as id", "id % 7 as n")
    return rows.coalesce(1)  # one file split's worth in one task


def test_small_tables_keep_their_splits_uncounted(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows_df = _rows(spark)
    monkeypatch.setattr(DataFrame, "count", lambda df: pytest.fail("counted a small table"))

    assert bounded_partitions(rows_df, source_bytes=1 << 20) is rows_df


def test_rows_above_a_task_result_budget_are_spread_over_bounded_partitions(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows_df = _rows(spark)
    encoded = 20_000 * encoded_row_bytes(rows_df.schema)
    # A budget of a tenth of the rows per split; rebalanced into partitions of a twentieth.
    monkeypatch.setattr(binary_copy, "MAX_TASK_BYTES", encoded // (10 * MIN_PARTITIONS))
    monkeypatch.setattr(binary_copy, "REBALANCED_TASK_BYTES", encoded // 20)
    monkeypatch.setattr(binary_copy, "default_parallelism", lambda spark: None)

    bounded = bounded_partitions(rows_df, source_bytes=encoded)

    assert bounded.rdd.getNumPartitions() == 20
    sizes = bounded.groupBy(F.spark_partition_id()).count().collect()
    assert max(row["count"] for row in sizes) < 2 * 20_000 / 20
    assert sorted(bounded.collect()) == sorted(rows_df.collect())  # every row, once


def test_many_rows_from_a_large_table_within_budget_keep_their_splits(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large table (an incremental publish of a few slices): counted, found small enough.
    rows_df = _rows(spark)
    encoded = 20_000 * encoded_row_bytes(rows_df.schema)
    monkeypatch.setattr(binary_copy, "MAX_TASK_BYTES", encoded // MIN_PARTITIONS + 1)
    monkeypatch.setattr(binary_copy, "default_parallelism", lambda spark: None)

    assert bounded_partitions(rows_df, source_bytes=1 << 40) is rows_df
