"""How much of a table one Spark task, and one query, hands to the publishing driver.

A task's encoded rows reach the driver whole, as its result, held two or three times while
fetched and decoded, FETCH_DEPTH tasks at once: at 10M transactions, 32 MB Parquet splits
came back as 480 MB results that a 1 GB driver could not hold (#23). Above MAX_TASK_BYTES a
split on average, the rows are first hashed into partitions of about REBALANCED_TASK_BYTES
(a shuffle, which spills: no task holds more than its partition).

Over Spark Connect one query is one job on the server, which keeps every finished
partition until its client has read those before it, and caps a job's results at
spark.driver.maxResultSize (1 GB by default): a table encoding to more than
QUERY_RESULT_BYTES is read in several queries, by groups of slices (each reads only its
partitions) or, for a keyed table or a slice too large alone, by a hash of the keys.

Sizes are guessed, not measured: nothing is counted for a table whose Parquet bytes are
small; else the rows selected are (a job that reads Parquet footers), and each row's
encoded size is guessed from its columns.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.publish.binary_copy import min_splits
from scout_spark.runtime.jvm import is_connect

MAX_TASK_BYTES = 48 << 20
REBALANCED_TASK_BYTES = 32 << 20
QUERY_RESULT_BYTES = 512 << 20  # half the server's default maxResultSize
COPY_BYTES_PER_PARQUET_BYTE = 20  # generously: gold items take 15
TEXT_BYTES = 32  # the guessed length of a text value
_FIXED_BYTES = {
    "long": 8, "double": 8, "timestamp": 8, "timestamp_ntz": 8,
    "integer": 4, "float": 4, "date": 4, "short": 2, "boolean": 1,
}  # fmt: skip


def encoded_row_bytes(schema: T.StructType) -> int:
    """The guessed size of one row as binary COPY: a 2-byte field count, then per field a
    4-byte length and the value (numeric: 8 bytes of header and 2 per 4 digits)."""
    total = 2
    for field in schema.fields:
        kind = field.dataType
        if isinstance(kind, T.DecimalType):
            width = 8 + 2 * math.ceil(kind.precision / 4)
        else:
            width = _FIXED_BYTES.get(kind.typeName(), TEXT_BYTES)
        total += 4 + width
    return total


@dataclass(frozen=True)
class Part:
    """Rows read by one query: those where `where` holds (all when None)."""

    where: Column | None
    rows: int


def bounded_partitions(df: DataFrame, rows: int) -> DataFrame:
    """`df` (`rows` rows), hashed into more partitions when its file splits would make task
    results of more than MAX_TASK_BYTES each."""
    encoded = rows * encoded_row_bytes(df.schema)
    if encoded <= min_splits(df.sparkSession) * MAX_TASK_BYTES:
        return df
    return df.repartition(math.ceil(encoded / REBALANCED_TASK_BYTES), *df.columns)


def group_slices(counts: Mapping[Any, int], max_rows: int) -> list[list[Any]]:
    """Slice values in order, grouped so a group holds at most `max_rows` rows (a value with
    more alone); None (a null slice) sorts first."""
    groups: list[list[Any]] = []
    held = 0
    for value in sorted(counts, key=lambda v: (v is not None, v)):
        if not groups or held + counts[value] > max_rows:
            groups.append([])
            held = 0
        groups[-1].append(value)
        held += counts[value]
    return groups


def _is_in(column: str, values: Sequence[Any]) -> Column:
    present = [v for v in values if v is not None]
    tests = [F.col(column).isin(present)] if present else []
    if len(present) < len(values):
        tests.append(F.col(column).isNull())
    return reduce(lambda a, b: a | b, tests)


def _buckets(keys: Sequence[str], count: int) -> list[Column]:
    bucket = F.pmod(F.xxhash64(*keys), F.lit(count))
    return [bucket == index for index in range(count)]


def _query_parts(
    df: DataFrame, slice_column: str | None, keys: Sequence[str], max_rows: int
) -> list[Part]:
    if slice_column is None:
        rows = df.count()
        if rows <= max_rows:
            return [Part(None, rows)]
        count = math.ceil(rows / max_rows)
        return [Part(where, rows // count) for where in _buckets(keys, count)]
    counts = {r[0]: r[1] for r in df.groupBy(slice_column).count().collect()}
    if not counts:
        return [Part(None, 0)]  # no rows: one (empty) query all the same
    parts = []
    for group in group_slices(counts, max_rows):
        rows = sum(counts[v] for v in group)
        if rows <= max_rows:
            parts.append(Part(_is_in(slice_column, group), rows))
            continue  # else one slice alone, too large: by key hash within it
        count = math.ceil(rows / max_rows)
        slice_where = _is_in(slice_column, group)
        parts.extend(Part(slice_where & where, rows // count) for where in _buckets(keys, count))
    return parts


def read_parts(
    df: DataFrame, source_bytes: int, slice_column: str | None, keys: Sequence[str]
) -> list[DataFrame]:
    """The rows of `df` as one or more DataFrames, together each row once, every task's (and
    over Connect every query's) encoded rows bounded.

    `source_bytes`: the Parquet bytes of the table `df` selects from, an upper bound;
    `slice_column`: the table's partition column, if any; `keys`: its key columns."""
    spark = df.sparkSession
    connect = is_connect(spark)
    limit = min_splits(spark) * MAX_TASK_BYTES
    if connect:
        limit = min(limit, QUERY_RESULT_BYTES)
    if source_bytes * COPY_BYTES_PER_PARQUET_BYTE <= limit:
        return [df]
    if not connect:
        return [bounded_partitions(df, df.count())]
    max_rows = max(1, QUERY_RESULT_BYTES // encoded_row_bytes(df.schema))
    parts = _query_parts(df, slice_column, keys, max_rows)
    return [
        bounded_partitions(df if part.where is None else df.where(part.where), part.rows)
        for part in parts
    ]
