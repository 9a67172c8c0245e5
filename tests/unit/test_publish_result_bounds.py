"""A publish reads a large table in bounded pieces: each task's encoded rows, and over Spark
Connect each query's, stay within a budget, and every row is read exactly once."""

from datetime import date

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.publish import result_bounds
from scout_spark.publish.result_bounds import (
    TEXT_BYTES,
    encoded_row_bytes,
    group_slices,
    read_parts,
)

ROWS = 20_000
SPLITS = 4
D1, D2, D3 = date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)


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


def test_slices_are_grouped_in_order_up_to_the_rows_a_query_may_return() -> None:
    counts = {D3: 20, D2: 5, None: 1, D1: 5}

    # A null slice first; a slice larger than the budget alone.
    assert group_slices(counts, max_rows=10) == [[None, D1], [D2], [D3]]
    assert group_slices(counts, max_rows=100) == [[None, D1, D2, D3]]


@pytest.fixture
def rows_df(spark: SparkSession) -> DataFrame:
    """ROWS rows over three days (D3 holds half) and a null day, in one task."""
    days = F.when(F.col("id") % 2 == 0, F.lit(D3)).when(F.col("id") % 4 == 1, F.lit(D1))
    days = days.when(F.col("id") % 100 == 99, F.lit(None)).otherwise(F.lit(D2))
    frame = spark.range(ROWS).select(
        F.col("id").cast("string").alias("id"), (F.col("id") % 7).alias("n"), days.alias("day")
    )
    return frame.coalesce(1)


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch, rows_df: DataFrame) -> int:
    """Every row encoded; per task, a tenth of them before a rebalance into twentieths."""
    encoded = ROWS * encoded_row_bytes(rows_df.schema)
    monkeypatch.setattr(result_bounds, "min_splits", lambda spark: SPLITS)
    monkeypatch.setattr(result_bounds, "MAX_TASK_BYTES", encoded // (10 * SPLITS))
    monkeypatch.setattr(result_bounds, "REBALANCED_TASK_BYTES", encoded // 20)
    return encoded


def _rows_of(parts: list[DataFrame]) -> list[tuple]:
    return sorted(tuple(row) for part in parts for row in part.collect())


def test_a_small_table_is_read_whole_and_uncounted(
    rows_df: DataFrame, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DataFrame, "count", lambda df: pytest.fail("counted a small table"))

    assert read_parts(rows_df, 1024, "day", ("id",)) == [rows_df]


def test_a_large_table_is_spread_over_bounded_tasks_in_one_query(
    rows_df: DataFrame, budget: int
) -> None:
    (part,) = read_parts(rows_df, budget, "day", ("id",))

    assert part.rdd.getNumPartitions() == 20
    sizes = part.groupBy(F.spark_partition_id()).count().collect()
    assert max(row["count"] for row in sizes) < 2 * ROWS / 20
    assert _rows_of([part]) == _rows_of([rows_df])


def test_a_table_of_few_rows_from_a_large_table_keeps_its_splits(
    rows_df: DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An incremental publish of a few slices of a large table: counted, found small.
    encoded = ROWS * encoded_row_bytes(rows_df.schema)
    monkeypatch.setattr(result_bounds, "MAX_TASK_BYTES", encoded // SPLITS + 1)
    monkeypatch.setattr(result_bounds, "min_splits", lambda spark: SPLITS)

    assert read_parts(rows_df, 1 << 40, "day", ("id",)) == [rows_df]


def test_over_connect_a_large_table_is_read_in_queries_of_slice_groups(
    rows_df: DataFrame, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(result_bounds, "is_connect", lambda spark: True)
    # A query may return 40% of the rows: D3 (50%) alone is split by key hash in two.
    monkeypatch.setattr(result_bounds, "QUERY_RESULT_BYTES", budget * 4 // 10)

    parts = read_parts(rows_df, budget, "day", ("id",))

    days = [sorted({r["day"] for r in part.collect()}, key=lambda d: (d is not None, d))
            for part in parts]  # fmt: skip
    assert days == [[None, D1], [D2], [D3], [D3]]
    counts = [part.count() for part in parts]
    assert max(counts) <= ROWS * 4 // 10
    assert _rows_of(parts) == _rows_of([rows_df])


def test_over_connect_a_large_keyed_table_is_read_in_queries_of_key_buckets(
    rows_df: DataFrame, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(result_bounds, "is_connect", lambda spark: True)
    monkeypatch.setattr(result_bounds, "QUERY_RESULT_BYTES", budget // 4)

    parts = read_parts(rows_df, budget, None, ("id",))

    assert len(parts) == 4
    assert max(part.count() for part in parts) < ROWS * 4 // 10
    assert _rows_of(parts) == _rows_of([rows_df])


def test_over_connect_a_large_table_with_no_rows_selected_is_one_empty_query(
    rows_df: DataFrame, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An incremental publish whose changed dates lost all their rows: delete, copy none.
    monkeypatch.setattr(result_bounds, "is_connect", lambda spark: True)
    none_df = rows_df.where(F.lit(False))

    (part,) = read_parts(none_df, budget, "day", ("id",))

    assert part.count() == 0
