"""The SQL of the publish transaction (run by load.py) and the publish log.

Only DELETE and INSERT are used on dashboard tables, never TRUNCATE (not MVCC-safe) nor DROP.
The publish log row, written in the same transaction as the rows it describes, names the
lake version of every source table; the last `published` row is where the next publish
starts from.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from psycopg import Connection, sql
from psycopg.types.json import Jsonb

from scout_spark.config.model import PostgresConfig
from scout_spark.publish.plan import DELETED_COLUMN, FULL, SLICES, TablePlan

# Room to sort the staged keys of an upsert (its B-tree inserts are then sequential).
MOVE_WORK_MEM = "256MB"


@dataclass(frozen=True)
class PublishState:
    """What the last successful publish recorded."""

    lake_versions: dict[str, int]
    window_start: date | None
    ledger_watermark: datetime | None
    table_ids: dict[str, str]  # each source table's Delta id ({} before V003)


@dataclass(frozen=True)
class LogEntry:
    """One publish log row."""

    run_id: str
    status: str  # published | skipped
    mode: str
    lake_versions: dict[str, int]
    window_start: date | None
    rows_published: int
    tables: dict[str, dict[str, Any]]
    ledger_watermark: datetime | None
    started_at: datetime
    table_ids: dict[str, str]


def _newest(conn: Connection, pg: PostgresConfig, columns: str, where: str) -> Any:
    """`columns` of the newest publish log row matching `where` (None when there is none)."""
    query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY publish_id DESC LIMIT 1").format(
        sql.SQL(columns), sql.Identifier(pg.schema, "publish_log"), sql.SQL(where)
    )
    return conn.execute(query).fetchone()


def last_published(conn: Connection, pg: PostgresConfig) -> PublishState | None:
    """The lake versions, window and ledger watermark of the last real publish."""
    columns = "lake_versions, window_start, ledger_watermark, lake_table_ids"
    row = _newest(conn, pg, columns, "status = 'published'")
    if row is None:
        return None
    return PublishState({k: int(v) for k, v in row[0].items()}, row[1], row[2], dict(row[3]))


def last_watermark(conn: Connection, pg: PostgresConfig) -> datetime | None:
    """Newest run-ledger time the monitoring tables were refreshed from (any publish)."""
    row = _newest(conn, pg, "ledger_watermark", "ledger_watermark IS NOT NULL")
    return None if row is None else row[0]


def write_log(conn: Connection, pg: PostgresConfig, entry: LogEntry) -> int:
    """Insert the publish log row; returns its publish_id."""
    row = conn.execute(
        sql.SQL(
            "INSERT INTO {} (run_id, status, mode, lake_versions, window_start, rows_published, "
            "tables, ledger_watermark, started_at, lake_table_ids) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING publish_id"
        ).format(sql.Identifier(pg.schema, "publish_log")),
        [
            entry.run_id, entry.status, entry.mode, Jsonb(entry.lake_versions),
            entry.window_start, entry.rows_published, Jsonb(json.loads(json.dumps(entry.tables,
            default=str))), entry.ledger_watermark, entry.started_at, Jsonb(entry.table_ids),
        ],
    ).fetchone()  # fmt: skip
    assert row is not None
    return int(row[0])


def _ids(names: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


def _key_match(keys: Sequence[str]) -> sql.Composable:
    return sql.SQL(" AND ").join(sql.SQL("s.{0} = t.{0}").format(sql.Identifier(k)) for k in keys)


@dataclass(frozen=True)
class TableChange:
    """Rows one table's part of the publish deleted and wrote (inserted or updated)."""

    deleted: int
    written: int


def delete_slices(plan: TablePlan, target: sql.Composable) -> sql.Composable | None:
    """Slice tables: the DELETE making room for the staged slices (None: nothing goes)."""
    column = plan.table.slice_column
    if column is None or plan.action not in (FULL, SLICES):
        return None
    if plan.action == FULL:
        return sql.SQL("DELETE FROM {}").format(target)
    dates = sql.SQL(", ").join(sql.Literal(d) for d in plan.dates)
    return sql.SQL("DELETE FROM {} WHERE {} IN ({})").format(target, sql.Identifier(column), dates)


def trim_window(
    plan: TablePlan, target: sql.Composable, first: date | None
) -> sql.Composable | None:
    """Windowed tables: delete the dates that left the window (None when it did not move)."""
    column = plan.table.slice_column
    if not plan.trims_window or first is None or column is None:
        return None
    return sql.SQL("DELETE FROM {} WHERE {} < {}").format(
        target, sql.Identifier(column), sql.Literal(first)
    )


def delete_keys(plan: TablePlan, target: sql.Composable, staged: sql.Composable) -> sql.Composable:
    """Keyed tables: delete keys gone from the lake (FULL) or flagged `_deleted` (KEYS)."""
    keys = plan.table.keys
    if plan.action == FULL:
        return sql.SQL(
            "DELETE FROM {} AS t WHERE NOT EXISTS (SELECT 1 FROM {} AS s WHERE {})"
        ).format(target, staged, _key_match(keys))
    return sql.SQL("DELETE FROM {} AS t USING {} AS s WHERE s.{} AND {}").format(
        target, staged, sql.Identifier(DELETED_COLUMN), _key_match(keys)
    )


def upsert_keys(plan: TablePlan, target: sql.Composable, staged: sql.Composable) -> sql.Composable:
    """Keyed tables: insert new keys, update changed rows only (an unchanged row is not touched)."""
    table = plan.table
    others = [c for c in table.columns if c not in table.keys]
    excluded = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in others)
    current = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in others)
    return sql.SQL(
        "INSERT INTO {} AS t ({}) SELECT {} FROM {} WHERE NOT {} ORDER BY {} "
        "ON CONFLICT ({}) DO UPDATE SET ({}) = ROW({}) WHERE ({}) IS DISTINCT FROM ({})"
    ).format(
        target, _ids(table.columns), _ids(table.columns), staged,
        sql.Identifier(DELETED_COLUMN), _ids(table.keys), _ids(table.keys), _ids(others),
        excluded, current, excluded,
    )  # fmt: skip


def begin_move(conn: Connection) -> None:
    """Settings of the publish transaction (call inside it)."""
    conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(sql.Literal(MOVE_WORK_MEM)))
    # Between two tables the transaction waits for Spark: that is not an idle session.
    conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
