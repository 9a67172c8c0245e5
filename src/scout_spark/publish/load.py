"""Loading the changed rows with COPY, inside the one publish transaction.

The executors encode each table's rows as CSV in the JVM (`to_csv`); the driver receives
them as raw bytes (no pickling) and streams them into `COPY ... FROM STDIN` on the publish
connection, while Spark already computes the next partitions (toLocalIterator with
prefetch). Postgres does the work of a plain `psql \\copy` and nothing more: slice tables
get their changed slices deleted and the new rows copied straight in; keyed tables copy
into a temporary table (dropped at commit) and upsert from it. Everything happens in one
transaction, so a reader sees the old rows until COMMIT and all the new ones after it,
and a publish that dies midway changes nothing. The rows cross the driver, so it works
the same with a Postgres on another host. Only DELETE, COPY and INSERT touch a dashboard
table, never TRUNCATE (not MVCC-safe) nor DROP.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from psycopg import Connection, sql
from pyspark.rdd import RDD
from pyspark.serializers import NoOpSerializer
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from scout_spark.config.model import PostgresConfig
from scout_spark.publish import finalize
from scout_spark.publish.plan import DELETED_COLUMN, TablePlan

CHUNK_BYTES = 1 << 20  # bytes handed to libpq per write: few round trips, bounded memory
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


def chunks(lines: Iterable[bytes]) -> Iterator[tuple[bytes, int]]:
    """CSV lines joined into chunks of about CHUNK_BYTES: (bytes, rows)."""
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"\n".join(chunk) + b"\n", len(chunk)
            chunk, size = [], 0
    if chunk:
        yield b"\n".join(chunk) + b"\n", len(chunk)


def copy_rows(conn: Connection, target: sql.Composable, rows_df: DataFrame) -> int:
    """COPY every row of `rows_df` into `target` (columns by name); returns the rows sent."""
    query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in rows_df.columns)
    )
    lines = csv_lines(rows_df).toLocalIterator(prefetchPartitions=True)
    sent = 0
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        for chunk, rows in chunks(lines):
            copy.write(chunk)
            sent += rows
    return sent


def _count(conn: Connection, statement: sql.Composable | None) -> int:
    return 0 if statement is None else max(conn.execute(statement).rowcount, 0)


def load_table(
    conn: Connection,
    pg: PostgresConfig,
    plan: TablePlan,
    rows_df: DataFrame | None,
    first_date: date | None,
) -> tuple[int, finalize.TableChange]:
    """Apply one table's part of the publish on `conn`: (rows sent, rows deleted/written)."""
    target = sql.Identifier(pg.schema, plan.table.pg_table)
    sent = deleted = written = 0
    if plan.table.slice_column is not None:
        deleted += _count(conn, finalize.delete_slices(plan, target))
        if rows_df is not None:
            sent = written = copy_rows(conn, target, rows_df)
    elif rows_df is not None:
        staged = sql.Identifier(f"publish_{plan.table.pg_table}")
        conn.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} (LIKE {}, {} boolean NOT NULL) ON COMMIT DROP"
            ).format(staged, target, sql.Identifier(DELETED_COLUMN))
        )
        sent = copy_rows(conn, staged, rows_df)
        deleted += _count(conn, finalize.delete_keys(plan, target, staged))
        written += _count(conn, finalize.upsert_keys(plan, target, staged))
    deleted += _count(conn, finalize.trim_window(plan, target, first_date))
    return sent, finalize.TableChange(deleted, written)


def load_tables(
    conn: Connection,
    pg: PostgresConfig,
    plans: Sequence[tuple[TablePlan, DataFrame | None]],
    first_date: date | None,
) -> tuple[int, dict[str, finalize.TableChange]]:
    """Every table's part, one after the other on the publish transaction."""
    finalize.begin_move(conn)
    changes, sent = {}, 0
    for plan, rows_df in plans:
        rows, changes[plan.table.pg_table] = load_table(conn, pg, plan, rows_df, first_date)
        sent += rows
    return sent, changes
