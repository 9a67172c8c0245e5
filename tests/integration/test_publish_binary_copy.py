"""Binary COPY from Spark: every value arrives in Postgres exactly as the lake holds it,
by either stream (socket: classic only; iterator: the Spark Connect path, shared with
classic and run here on the classic session)."""

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from psycopg import sql
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.publish.binary_copy import ITERATOR, SOCKET, copy_rows, payloads
from scout_spark.publish.connection import connect

pytestmark = pytest.mark.postgres
STREAMS = pytest.mark.parametrize("stream", [SOCKET, ITERATOR])

PG_COLUMNS = (
    "s text, d double precision, ts timestamptz, m numeric(14,2), day date, n integer,"
    " b boolean, big bigint, v varchar(20), local_ts timestamp"
)
# Spark types that differ from the Postgres ones on purpose (n long, big int): cast on the way.
SPARK_SCHEMA = (
    "s string, d double, ts timestamp, m decimal(14,2), day date, n long, b boolean,"
    " big int, v string, local_ts timestamp_ntz"
)


@STREAMS
def test_edge_values_round_trip_exactly(
    spark: SparkSession, test_config: Config, stream: str
) -> None:
    moment = datetime(2026, 3, 1, 9, 30, 15, 123456)
    rows = [
        (' a,"b"\nc \\N', 0.1 + 0.2, moment, Decimal("-0.05"), date(2026, 3, 1), 7, True,
         -(2**31), "ñ 店", moment),
        ("", 1e-300, None, None, None, None, None, None, "", None),
        (None, float("nan"), datetime(1, 1, 1), Decimal("123456789012.30"),
         date(9999, 12, 31), -1, False, 2**31 - 1, None, datetime(1970, 1, 1)),
    ]  # fmt: skip
    frame = spark.createDataFrame(rows, SPARK_SCHEMA).withColumn(
        "i", F.monotonically_increasing_id()
    )

    with connect(test_config.postgres) as conn:
        conn.execute(f"CREATE TEMPORARY TABLE round_trip ({PG_COLUMNS}, i bigint)")
        sent = copy_rows(conn, sql.Identifier("round_trip"), [frame], stream)
        stored = conn.execute("SELECT * FROM round_trip ORDER BY i").fetchall()

    assert sent == 3
    # The session runs in UTC: naive Python datetimes above are UTC instants for `ts`.
    expected = [(*r[:2], None if r[2] is None else r[2].replace(tzinfo=UTC), *r[3:]) for r in rows]
    assert [r[:-1] for r in stored[:2]] == expected[:2]
    assert stored[2][0] is None and math.isnan(stored[2][1])
    assert stored[2][2:-1] == expected[2][2:]


@STREAMS
def test_many_batches_and_partitions_arrive_once_each(
    spark: SparkSession, test_config: Config, stream: str
) -> None:
    rows = 25_003  # more than one Arrow batch (10,000 rows) per partition
    frame = spark.range(rows, numPartitions=3).select(
        F.col("id"), (F.col("id") * 3).cast("decimal(14,2)").alias("amount")
    )

    with connect(test_config.postgres) as conn:
        conn.execute("CREATE TEMPORARY TABLE batches (id bigint, amount numeric(14,2))")
        sent = copy_rows(conn, sql.Identifier("batches"), [frame], stream)
        count, distinct, total = conn.execute(
            "SELECT count(*), count(DISTINCT id), sum(amount) FROM batches"
        ).fetchone()

    assert sent == count == distinct == rows
    assert total == Decimal(3 * rows * (rows - 1) // 2)


def _last_partition_fails(spark: SparkSession) -> DataFrame:
    """Three partitions of 10 ids; computing the third raises 'partition 2 failed'."""
    ids = spark.range(30, numPartitions=3)
    failing = F.when(F.spark_partition_id() == 2, F.raise_error(F.lit("partition 2 failed")))
    return ids.select(F.coalesce(failing.cast("bigint"), F.col("id")).alias("id"))


@STREAMS
def test_payloads_stream_partition_by_partition(spark: SparkSession, stream: str) -> None:
    # A first blob before the failing partition is computed: nothing collects the table.
    blobs = payloads(_last_partition_fails(spark), stream)

    first = next(blobs)

    assert int.from_bytes(first[:8], "big") == 10
    with pytest.raises(Exception, match="partition 2 failed"):
        list(blobs)


@STREAMS
def test_a_failure_midway_copies_nothing(
    spark: SparkSession, test_config: Config, stream: str
) -> None:
    with connect(test_config.postgres) as conn:
        conn.execute("CREATE TEMPORARY TABLE halfway (id bigint)")
        conn.commit()
        with pytest.raises(Exception, match="partition 2 failed"), conn.transaction():
            copy_rows(conn, sql.Identifier("halfway"), [_last_partition_fails(spark)], stream)
        (count,) = conn.execute("SELECT count(*) FROM halfway").fetchone()

    assert count == 0
