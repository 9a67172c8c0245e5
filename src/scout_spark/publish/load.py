"""Loading the changed rows with COPY, inside the one publish transaction.

The executors encode each table's rows as binary COPY tuples (binary_copy.py); the driver
streams them into `COPY ... FROM STDIN` on the publish connection, while Spark already
computes the next partitions. Postgres does the work of a plain `psql \\copy` and nothing
more: slice tables get their changed slices deleted and the new rows copied straight in;
keyed tables copy into a temporary table (dropped at commit) and upsert from it.
Everything happens in one transaction, so a reader sees the old rows until COMMIT and all
the new ones after it, and a publish that dies midway changes nothing. The rows cross the
driver, so it works the same with a Postgres on another host. Only DELETE, COPY and INSERT
touch a dashboard table, never TRUNCATE (not MVCC-safe) nor DROP.
"""

from collections.abc import Callable, Sequence
from datetime import date

from psycopg import Connection, sql
from pyspark.sql import DataFrame

from scout_spark.config.model import PostgresConfig
from scout_spark.publish import finalize
from scout_spark.publish.binary_copy import AUTO, copy_rows
from scout_spark.publish.plan import DELETED_COLUMN, TablePlan
from scout_spark.publish.result_bounds import read_parts


def _count(conn: Connection, statement: sql.Composable | None) -> int:
    return 0 if statement is None else max(conn.execute(statement).rowcount, 0)


def load_table(
    conn: Connection,
    pg: PostgresConfig,
    plan: TablePlan,
    rows_df: DataFrame | None,
    first_date: date | None,
    stream: str = AUTO,
) -> tuple[int, finalize.TableChange]:
    """Apply one table's part of the publish on `conn`: (rows sent, rows deleted/written)."""
    table = plan.table
    target = sql.Identifier(pg.schema, table.pg_table)
    parts = None
    if rows_df is not None:
        parts = read_parts(rows_df, plan.source_bytes, table.slice_column, table.keys)
    sent = deleted = written = 0
    if table.slice_column is not None:
        deleted += _count(conn, finalize.delete_slices(plan, target))
        if parts is not None:
            sent = written = copy_rows(conn, target, parts, stream)
    elif parts is not None:
        staged = sql.Identifier(f"publish_{table.pg_table}")
        conn.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} (LIKE {}, {} boolean NOT NULL) ON COMMIT DROP"
            ).format(staged, target, sql.Identifier(DELETED_COLUMN))
        )
        sent = copy_rows(conn, staged, parts, stream)
        deleted += _count(conn, finalize.delete_keys(plan, target, staged))
        written += _count(conn, finalize.upsert_keys(plan, target, staged))
    deleted += _count(conn, finalize.trim_window(plan, target, first_date))
    return sent, finalize.TableChange(deleted, written)


def load_tables(
    conn: Connection,
    pg: PostgresConfig,
    plans: Sequence[tuple[TablePlan, DataFrame | None]],
    first_date: date | None,
    stream: str = AUTO,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[int, dict[str, finalize.TableChange]]:
    """Every table's part, one after the other on the publish transaction; `progress` is
    told each table copied."""
    finalize.begin_move(conn)
    changes, sent = {}, 0
    for done, (plan, rows_df) in enumerate(plans, 1):
        rows, changes[plan.table.pg_table] = load_table(conn, pg, plan, rows_df, first_date, stream)
        sent += rows
        progress(f"{plan.table.pg_table}: {rows:,} rows copied ({done} of {len(plans)} tables)")
    return sent, changes
