"""Fast load path: executors stream CSV through COPY into UNLOGGED staging tables.

Rows are encoded as CSV in the JVM (`to_csv`, on the executors) and reach Python as raw
bytes (no pickling, no pandas). Each Spark task attempt streams its partition through
`COPY ... FROM STDIN` in large chunks into staging tables of its own, one per BATCH_BYTES,
`<template>_b<task attempt id>_<n>` (shaped like the template); each is created, filled,
announced with NOTIFY and committed in one transaction. The driver moves only the tables of
attempts Spark kept, so a retried or speculative task never duplicates rows, and it moves
each one as soon as it is announced, while the rest still loads.
Executors connect to Postgres directly: nothing goes through the driver, remote or not.
Staging tables are UNLOGGED (no WAL) in <schema>_staging, which the dashboard cannot read;
they are dropped after the publish, or by the next publish after a crash.
"""

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import Connection, sql
from pyspark import TaskContext
from pyspark.rdd import RDD
from pyspark.serializers import NoOpSerializer
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from scout_spark.config.model import PostgresConfig
from scout_spark.publish.connection import psycopg_kwargs, staging_schema

CHUNK_BYTES = 1 << 20  # bytes handed to libpq per write: few round trips, bounded memory
# A task commits (and announces) a staging table per BATCH_BYTES of CSV, so the driver can
# move it into the dashboard table while the rest still loads.
BATCH_BYTES = 4 << 20
MAX_STREAMS = 8  # concurrent COPY connections per table
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class StagedRows:
    """What landed in staging: the kept task attempts' tables and their row count."""

    template: str
    batch_tables: tuple[str, ...]
    rows: int


def create_template(
    conn: Connection, pg: PostgresConfig, name: str, like: str, extra: Sequence[str] = ()
) -> str:
    """An empty UNLOGGED <schema>_staging.<name> shaped like <schema>.<like> (+ `extra`)."""
    table = sql.Identifier(staging_schema(pg), name)
    columns = [sql.SQL("LIKE {}").format(sql.Identifier(pg.schema, like))]
    columns += [sql.SQL(definition) for definition in extra]
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    conn.execute(
        sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(table, sql.SQL(", ").join(columns))
    )
    return name


def drop_staging_tables(conn: Connection, pg: PostgresConfig, prefix: str = "") -> list[str]:
    """Drop the staging tables whose names start with `prefix` (all by default)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND starts_with(tablename, %s)",
            [staging_schema(pg), prefix],
        )
    ]
    for name in names:
        conn.execute(
            sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(staging_schema(pg), name))
        )
    return names


# Spark's CSV writer trims spaces and keeps milliseconds unless told otherwise; Postgres
# reads an unquoted empty field as NULL and "" as an empty string, as Spark writes them.
CSV_OPTIONS = {
    "escape": '"',
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
    "timestampFormat": "yyyy-MM-dd HH:mm:ss.SSSSSSXXX",
    "nullValue": "",
}


def csv_lines(df: DataFrame) -> RDD:
    """Each row of `df` as one CSV line (UTF-8 bytes, no newline), encoded in the JVM."""
    line_df = df.select(F.to_csv(F.struct(*df.columns), CSV_OPTIONS).alias("line"))
    spark = df.sparkSession
    strings = spark._jvm.org.apache.spark.sql.Encoders.STRING()  # type: ignore[union-attr]
    # As DataFrame.toJSON does: a Dataset[String] handed to Python as raw UTF-8 frames.
    java_rdd = getattr(line_df._jdf, "as")(strings).toJavaRDD()
    return RDD(java_rdd, spark.sparkContext, NoOpSerializer())


def _chunks(lines: Iterator[bytes], first: bytes) -> Iterator[tuple[bytes, int]]:
    """CSV lines joined into chunks of about CHUNK_BYTES: (bytes, rows)."""
    chunk, size = [first], len(first)
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"\n".join(chunk) + b"\n", len(chunk)
            chunk, size = [], 0
    if chunk:
        yield b"\n".join(chunk) + b"\n", len(chunk)


def _copy_partition(
    lines: Iterable[bytes], conninfo: dict[str, object], statements: dict[str, str]
) -> Iterator[tuple[str, int]]:
    """Executor side: COPY one partition, a staging table per BATCH_BYTES; yield (table, rows)."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    context = TaskContext.get()
    prefix = f"{statements['template']}_b{context.taskAttemptId() if context else 0}"
    chunks = _chunks(iterator, first)
    pending = next(chunks, None)
    with psycopg.connect(**conninfo) as conn:  # type: ignore[arg-type]
        for number in itertools.count():
            if pending is None:
                return
            batch, rows, size = f"{prefix}_{number}", 0, 0
            with conn.transaction():  # table, rows and announcement commit together
                conn.execute(statements["create"].replace("{batch}", batch))
                copy_sql = statements["copy"].replace("{batch}", batch)
                with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    while pending is not None and size < BATCH_BYTES:
                        copy.write(pending[0])
                        rows, size = rows + pending[1], size + len(pending[0])
                        pending = next(chunks, None)
                conn.execute("SELECT pg_notify(%s, %s)", [statements["channel"], batch])
            yield batch, rows


def copy_streams(task_slots: int, pg: PostgresConfig) -> int:
    """COPY connections per table: the task slots up to MAX_STREAMS, half for a local Postgres."""
    # A Postgres on this very machine needs cores of its own to move the batches in.
    if pg.host in LOOPBACK_HOSTS:
        task_slots //= 2
    return max(1, min(MAX_STREAMS, task_slots))


def copy_into(
    df: DataFrame, pg: PostgresConfig, template: str, *, channel: str, purpose: str = "copy"
) -> StagedRows:
    """COPY every row of `df` (columns named as in the template) into per-task tables."""
    df = df.coalesce(copy_streams(df.sparkSession.sparkContext.defaultParallelism, pg))
    schema = staging_schema(pg)
    batch = sql.Identifier(schema, "{batch}").as_string(None)
    statements = {
        "template": template,
        "channel": channel,
        "create": sql.SQL("CREATE UNLOGGED TABLE {} (LIKE {}) WITH (autovacuum_enabled = false)")
        .format(sql.SQL(batch), sql.Identifier(schema, template))
        .as_string(None),
        "copy": sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)")
        .format(sql.SQL(batch), sql.SQL(", ").join(sql.Identifier(c) for c in df.columns))
        .as_string(None),
    }
    conninfo = {**psycopg_kwargs(pg), "application_name": f"scout-lakehouse:{purpose}"}

    def load(lines: Iterable[bytes]) -> Iterator[tuple[str, int]]:
        return _copy_partition(lines, conninfo, statements)

    results = csv_lines(df).mapPartitions(load).collect()
    return StagedRows(template, tuple(sorted(t for t, _ in results)), sum(n for _, n in results))
