"""The publish stage: gold and platinum into the dashboard's Postgres schema.

1. Apply pending SQL migrations; take the schema's publish lock (a session advisory lock,
   released by Postgres if this process dies; a second publish waits for it: publish_lock.py).
2. Pin every source table's lake version (under the gold and platinum table locks, so no
   half-written gold run is published; --as-of-* pins earlier ones) and read only those.
3. Plan each table against the versions the last publish recorded (plan.py), where it is
   still the same Delta table (its id); when nothing moved, record a skip and stop.
4. In ONE Postgres transaction: load every changed table with COPY (load.py), write the
   publish log row (run id, lake version of every source) and refresh the monitoring
   tables (finalize.py, registry.py), then COMMIT.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import Connection

from scout_spark.context import RunContext
from scout_spark.errors import ConfigError, ScoutError
from scout_spark.lake.tables import table_path
from scout_spark.parallel import for_each
from scout_spark.publish import finalize, registry
from scout_spark.publish.binary_copy import AUTO, STREAMS
from scout_spark.publish.connection import connect, safe_message
from scout_spark.publish.load import load_tables
from scout_spark.publish.migrate import migrate
from scout_spark.publish.plan import (
    NONE,
    Pinned,
    TablePlan,
    Window,
    current_window,
    pin_versions,
    plan_table,
    staged_rows,
    with_source_bytes,
)
from scout_spark.publish.publish_lock import holder_purpose, take_publish_lock
from scout_spark.publish.registry import Refresh
from scout_spark.publish.tables import PUBLISH_TABLES
from scout_spark.results import StageResult
from scout_spark.runtime.jvm import in_this_step


class PublishError(ScoutError):
    """The publish could not complete; the dashboard still shows the previous publish."""


@dataclass(frozen=True)
class PublishOptions:
    """--full-refresh, --migrate-only, --stream (how encoded rows reach the driver)."""

    full_refresh: bool = False
    migrate_only: bool = False
    stream: str = AUTO

    def __post_init__(self) -> None:
        if self.stream not in STREAMS:
            raise ConfigError(f"publish: stream {self.stream!r} is not one of {', '.join(STREAMS)}")


def _mode(ctx: RunContext) -> str:
    return "full_refresh" if ctx.options.full_refresh else "incremental"


def _own_row(
    ctx: RunContext, status: str, read: int, written: int, versions: dict[str, int]
) -> tuple[Any, ...]:
    """This publish's etl_monitoring row (lake_version: the highest source version)."""
    now = datetime.now(UTC)
    return (
        ctx.who.run_id, ctx.who.stage, ctx.config.pipeline_name, ctx.config.env, status,
        written, read, written, 0, 0, (now - ctx.who.started_at).total_seconds(), None,
        ctx.who.started_at, now, max(versions.values(), default=None),
    )  # fmt: skip


def _record_skip(
    ctx: RunContext, conn: Connection, pinned: Pinned, window: Window, refresh: Refresh
) -> StageResult:
    """Nothing moved: one transaction with a skip record and the monitoring refresh."""
    pg, mode, versions = ctx.config.postgres, _mode(ctx), pinned.versions
    entry = finalize.LogEntry(
        ctx.who.run_id, "skipped", mode, versions, window.first_date, 0, {},
        refresh.watermark, ctx.who.started_at, pinned.ids,
    )  # fmt: skip
    with conn.transaction():
        publish_id = finalize.write_log(conn, pg, entry)
        registry.apply_refresh(conn, pg.schema, refresh, _own_row(ctx, "skipped", 0, 0, versions))
    metrics = {"mode": mode, "publish_id": str(publish_id), "lake_versions": json.dumps(versions)}
    return StageResult(
        status="skipped",
        metrics=metrics,
        summary="nothing to publish: the lake versions are those already published",
    )


def _plans(
    ctx: RunContext, versions: dict[str, int], previous: dict, window: Window, replaced: set[str]
) -> list:
    """Each table's plan, planned in parallel (the change feed reads are Spark jobs)."""
    config = ctx.config

    def plan(table: Any) -> TablePlan:
        name = table.lake_name
        planned = plan_table(
            ctx.spark, table, table_path(config, name), version=versions[name],
            previous=previous.get(name), window=window,
            full_refresh=_mode(ctx) == "full_refresh", replaced=name in replaced,
        )  # fmt: skip
        return with_source_bytes(ctx.spark, planned)

    return for_each(plan, [t for t in PUBLISH_TABLES if t.lake_name in versions])


def _publish_changes(
    ctx: RunContext, plans: list[TablePlan], pinned: Pinned, window: Window, refresh: Any
) -> StageResult:
    """The one publish transaction: load, log, refresh the monitoring tables, commit."""
    pg, started, versions = ctx.config.postgres, time.perf_counter(), pinned.versions
    staged = [(p, staged_rows(ctx.spark, p, window)) for p in plans]
    with connect(pg, purpose="publish") as conn:
        stream = ctx.options.stream
        sent, changes = load_tables(
            conn, pg, staged, window.first_date, stream, progress=ctx.progress
        )
        loaded = time.perf_counter()
        tables = {
            p.table.pg_table: {
                "lake_version": p.version, "action": p.action, "reason": p.reason,
                "dates": len(p.dates), "rows_deleted": changes[p.table.pg_table].deleted,
                "rows_written": changes[p.table.pg_table].written,
            }
            for p in plans
        }  # fmt: skip
        written = sum(t["rows_written"] for t in tables.values())
        entry = finalize.LogEntry(
            ctx.who.run_id, "published", _mode(ctx), versions, window.first_date, written,
            tables, refresh.result().watermark, ctx.who.started_at, pinned.ids,
        )  # fmt: skip
        publish_id = finalize.write_log(conn, pg, entry)
        own = _own_row(ctx, "succeeded", sent, written, versions)
        registry.apply_refresh(conn, pg.schema, refresh.result(), own)
        conn.commit()
    done = time.perf_counter()
    moved = [f"{p.table.pg_table} ({p.action}: {p.reason})" for p in plans if p.action != NONE]
    return StageResult(
        records_read=sent,
        records_written=written,
        metrics={
            "mode": _mode(ctx),
            "publish_id": str(publish_id),
            "lake_versions": json.dumps(versions),
            "window_start": str(window.first_date),
            "seconds_load": f"{done - started:.3f}",
            "seconds_commit": f"{done - loaded:.3f}",
        },
        summary=f"publish {publish_id}: {written} rows written; " + ("; ".join(moved) or "no rows"),
    )


def _publish(ctx: RunContext, conn: Connection) -> StageResult:
    spark, config, pg = ctx.spark, ctx.config, ctx.config.postgres
    pinned = pin_versions(spark, config, ctx.who.run_id, ctx.as_of)
    versions = pinned.versions
    if not versions:
        return StageResult(status="skipped", summary="no gold or platinum table to publish yet")
    state = finalize.last_published(conn, pg)
    recorded = state.lake_versions if state else {}
    previous = pinned.same_tables(recorded, state.table_ids if state else {})
    replaced = set(recorded) - set(previous)
    since = finalize.last_watermark(conn, pg)
    registered = registry.registered_versions(conn, pg.schema)
    with ThreadPoolExecutor(max_workers=1) as side:  # monitoring rows, while tables load
        gather = in_this_step(registry.gather)
        refresh = side.submit(gather, spark, config, versions, since, registered)
        window = current_window(spark, config, versions, state.window_start if state else None)
        if previous == versions and _mode(ctx) != "full_refresh" and not window.has_moved:
            return _record_skip(ctx, conn, pinned, window, refresh.result())
        plans = _plans(ctx, versions, previous, window, replaced)
        return _publish_changes(ctx, plans, pinned, window, refresh)


def run_publish(ctx: RunContext[PublishOptions]) -> StageResult:
    """The publish stage (see the module docstring)."""
    pg = ctx.config.postgres
    applied = migrate(pg)
    if ctx.options.migrate_only:
        done = ", ".join(applied) or "none pending"
        return StageResult(metrics={"migrations": done}, summary=f"migrations applied: {done}")
    purpose = holder_purpose(ctx.who.run_id)
    with connect(pg, autocommit=True, purpose=purpose) as conn:
        take_publish_lock(conn, pg.schema, ctx.config.lake.lock_wait_seconds)
        try:
            return _publish(ctx, conn)
        except psycopg.Error as exc:
            message = f"publish into schema {pg.schema} failed: {safe_message(exc, pg)}"
            raise PublishError(message) from None
