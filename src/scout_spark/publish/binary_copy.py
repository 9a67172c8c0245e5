"""Rows as Postgres binary COPY data, encoded by the executors.

Each Spark task hands its rows to Python as Arrow batches; pgpq (vectorised, in Rust)
encodes each batch as the tuples of `COPY ... FROM STDIN (FORMAT binary)`. The driver
receives one blob per batch and writes them between the format's fixed header and
trailer. Binary tuples are what Postgres stores, so it parses no text: no number, date or
timestamp formatting on either side.

The blobs reach the driver one of two ways, partition after partition (never the whole
table at once): `socket`, a classic driver reading each partition's raw bytes off the
JVM (runtime/jvm/), or `iterator`, `toLocalIterator` over the blob column, which is
all a Spark Connect client has and also runs classic. `auto` takes socket on classic.

Binary COPY needs every value in exactly its column's type, so the rows are first cast
to the Spark type of each Postgres column, read from the catalog.
"""

import re
from collections.abc import Iterator, Sequence
from itertools import chain

import pyarrow as pa
from psycopg import Connection, sql
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.errors import ScoutError
from scout_spark.parallel import read_ahead
from scout_spark.runtime.jvm import binary_partitions, default_parallelism, is_connect
from scout_spark.session import temporary_conf

# The binary COPY file format: signature, flags, header extension length; -1 field count.
HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
TRAILER = b"\xff\xff"
ROWS_PREFIX = 8  # each blob starts with its row count, big-endian
# Partitions computed at once while the driver copies: two Spark tasks encode faster than
# the one Postgres backend of a COPY loads, on a laptop as on a cluster.
FETCH_DEPTH = 2
# Blobs (one Arrow batch each) an iterator stream holds ahead of the COPY.
READ_AHEAD_BLOBS = 8
MIN_PARTITIONS = 16
MAX_PARTITION_BYTES = 32 << 20
AUTO, SOCKET, ITERATOR = "auto", "socket", "iterator"
STREAMS = (AUTO, SOCKET, ITERATOR)

_SPARK_TYPES = {
    "bigint": "bigint",
    "integer": "int",
    "smallint": "smallint",
    "double precision": "double",
    "real": "float",
    "text": "string",
    "character varying": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp_ntz",
}
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)")


def spark_type(pg_type: str) -> str:
    """The Spark SQL type whose Arrow form pgpq encodes as `pg_type` (format_type text)."""
    if match := _NUMERIC.fullmatch(pg_type):
        return f"decimal({match[1]},{match[2]})"
    base = pg_type.split("(")[0]
    if base not in _SPARK_TYPES:
        raise ValueError(f"cannot publish into a column of type {pg_type}: not supported")
    return _SPARK_TYPES[base]


def column_types(conn: Connection, table: sql.Composable) -> dict[str, str]:
    """Each column of `table` and its type, as format_type() writes it."""
    query = (
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
    )
    return dict(conn.execute(query, (table.as_string(conn),)).fetchall())


def as_column_types(df: DataFrame, pg_types: dict[str, str]) -> DataFrame:
    """`df` with every column cast to the Spark type of its Postgres column."""
    missing = [c for c in df.columns if c not in pg_types]
    if missing:
        raise ValueError(f"columns missing in the Postgres table: {', '.join(missing)}")
    return df.select(*[F.col(c).cast(spark_type(pg_types[c])).alias(c) for c in df.columns])


def _encode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Runs on the executors: each Arrow batch as one blob of binary COPY tuples."""
    import pgpq  # imported where it runs

    for batch in batches:
        # One encoder per batch: it buffers until finish(), which adds the trailer.
        encoder = pgpq.ArrowToPostgresBinaryEncoder(batch.schema)
        stream = encoder.write_header() + encoder.write_batch(batch) + encoder.finish()
        if not (stream.startswith(HEADER) and stream.endswith(TRAILER)):
            raise ValueError("pgpq wrote an unexpected binary COPY header or trailer")
        tuples = memoryview(stream)[len(HEADER) : -len(TRAILER)]
        blob = batch.num_rows.to_bytes(ROWS_PREFIX, "big") + tuples
        yield pa.record_batch([pa.array([blob], pa.binary())], names=["payload"])


def min_splits(spark: SparkSession) -> int:
    """The publish scan's least number of file splits (_split_conf)."""
    return max(MIN_PARTITIONS, default_parallelism(spark) or 0)


def _split_conf(spark: SparkSession) -> dict[str, str]:
    """Small file splits while a scan is planned: the first rows reach COPY sooner, and each
    task's encoded rows, which its result carries whole to the driver (a Connect server's
    too), stay small. At least MIN_PARTITIONS splits, or the session's parallelism where
    this process knows it (classic; a Connect server keeps its own)."""
    return {
        "spark.sql.files.minPartitionNum": str(min_splits(spark)),
        "spark.sql.files.maxPartitionBytes": str(MAX_PARTITION_BYTES),
    }


def payloads(df: DataFrame, stream: str = AUTO) -> Iterator[bytes]:
    """The rows of `df` as blobs of binary COPY tuples, each prefixed by its row count."""
    spark = df.sparkSession
    if stream not in STREAMS:
        raise ScoutError(f"unknown publish stream '{stream}': one of {', '.join(STREAMS)}")
    if stream == AUTO:
        stream = ITERATOR if is_connect(spark) else SOCKET
    if stream == SOCKET and is_connect(spark):
        raise ScoutError("publish stream 'socket' needs a classic session; over Connect: iterator")
    encoded = df.mapInArrow(_encode, "payload binary")
    # The physical plan, file splits included, is made here; the session is shared.
    with temporary_conf(spark, _split_conf(spark)):
        if stream == SOCKET:
            return binary_partitions(encoded, FETCH_DEPTH)
        rows = encoded.toLocalIterator(prefetchPartitions=True)
        # Connect sends the plan with the first fetch: take it while the settings hold.
        first = next(rows, None)
    # The next blobs arrive while this one is copied (Connect's stream is read on demand).
    rest = read_ahead((row[0] for row in rows), READ_AHEAD_BLOBS)
    return chain(() if first is None else (first[0],), rest)


def copy_rows(
    conn: Connection, target: sql.Composable, parts: Sequence[DataFrame], stream: str = AUTO
) -> int:
    """COPY every row of `parts` (DataFrames of the same columns, read one after the other)
    into `target`, columns by name; returns the rows sent.

    `stream`: how the encoded rows reach this process (socket, iterator or auto)."""
    pg_types = column_types(conn, target)
    parts = [as_column_types(part, pg_types) for part in parts]
    query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in parts[0].columns)
    )
    sent = 0
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        copy.write(HEADER)
        for blob in chain.from_iterable(payloads(part, stream) for part in parts):
            sent += int.from_bytes(blob[:ROWS_PREFIX], "big")
            copy.write(memoryview(blob)[ROWS_PREFIX:])
        copy.write(TRAILER)
    return sent
