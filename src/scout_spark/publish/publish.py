"""The publish stage: gold and platinum into the dashboard's Postgres schema.

1. Apply pending SQL migrations; take the schema's publish lock (a session advisory lock,
   released by Postgres if this process dies); drop staging tables a crashed run left.
2. Pin every source table's current lake version (under the gold and platinum table locks,
   so no half-written gold run is published) and read them only at those versions.
3. Plan each table against the versions the last publish recorded (plan.py); when nothing
   moved, record a skip and stop.
4. Open the ONE publish transaction (mover.py), then load what changed into UNLOGGED
   staging tables from the executors (copy_load.py); each staged batch is moved into its
   dashboard table inside that transaction as soon as it lands (slices deleted first, keys
   upserted), while the next batches still load.
5. Write the publish log row (run id, lake version of every source) and refresh the
   monitoring tables (finalize.py, registry.py) in the same transaction, then COMMIT.
   Staging tables are dropped afterwards.
"""

import argparse
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import Connection

from scout_spark.cli.context import RunContext
from scout_spark.errors import ScoutError
from scout_spark.ops.results import StageResult
from scout_spark.parallel import for_each
from scout_spark.publish import finalize, registry
from scout_spark.publish.connection import connect, safe_message
from scout_spark.publish.copy_load import (
    StagedRows,
    copy_into,
    create_template,
    drop_staging_tables,
)
from scout_spark.publish.migrate import migrate
from scout_spark.publish.mover import Mover
from scout_spark.publish.plan import (
    DELETED_COLUMN,
    NONE,
    TablePlan,
    Window,
    current_window,
    pin_versions,
    plan_table,
    staged_rows,
)
from scout_spark.publish.registry import Refresh
from scout_spark.publish.tables import PUBLISH_TABLES

LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('scout_spark.publish'), hashtext(%s))"


class PublishError(ScoutError):
    """The publish could not complete; the dashboard still shows the previous publish."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--full-refresh, --migrate-only."""
    parser.add_argument("--full-refresh", action="store_true", help="republish every table in full")
    parser.add_argument(
        "--migrate-only", action="store_true", help="apply the SQL migrations, publish nothing"
    )


def _prepare(
    ctx: RunContext, conn: Connection, mover: Mover, plan: TablePlan, window: Window, token: str
) -> tuple[TablePlan, StagedRows | None]:
    """Plan one table, load the rows it needs into staging, hand them to the mover."""
    plan = plan_table(
        ctx.spark, plan.table, plan.path, version=plan.version, previous=plan.previous,
        window=window, full_refresh=_mode(ctx) == "full_refresh",
    )  # fmt: skip
    pg, name = ctx.config.postgres, plan.table.pg_table
    template = f"{name}__{token}"
    rows_df = staged_rows(ctx.spark, plan, window)
    if rows_df is None:
        mover.done(template, plan, None)
        return plan, None
    extra = [f"{DELETED_COLUMN} boolean NOT NULL"] if plan.table.slice_column is None else []
    create_template(conn, pg, template, name, extra)
    mover.expect(template, plan)
    staged = copy_into(rows_df, pg, template, channel=_channel(token), purpose=f"load:{name}")
    mover.done(template, plan, staged)
    return plan, staged


def _channel(token: str) -> str:
    return f"scout_publish_{token}"


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
    ctx: RunContext, conn: Connection, versions: dict[str, int], window: Window, refresh: Refresh
) -> StageResult:
    """Nothing moved: one transaction with a skip record and the monitoring refresh."""
    pg, mode = ctx.config.postgres, _mode(ctx)
    entry = finalize.LogEntry(
        ctx.who.run_id, "skipped", mode, versions, window.first_date, 0, {},
        refresh.watermark, ctx.who.started_at,
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


def _commit(
    ctx: RunContext,
    mover: Mover,
    prepared: list[tuple[TablePlan, StagedRows | None]],
    versions: dict[str, int],
    window: Window,
    refresh: Refresh,
) -> tuple[int, int]:
    """Wait for the last moves, log the publish, refresh monitoring, COMMIT: (id, rows)."""
    pg, conn = ctx.config.postgres, mover.conn
    changes = mover.finish()
    tables = {
        plan.table.pg_table: {
            "lake_version": plan.version, "action": plan.action, "reason": plan.reason,
            "dates": len(plan.dates), "rows_deleted": changes[plan.table.pg_table].deleted,
            "rows_written": changes[plan.table.pg_table].written,
        }
        for plan, _ in prepared
    }  # fmt: skip
    written = sum(t["rows_written"] for t in tables.values())
    entry = finalize.LogEntry(
        ctx.who.run_id, "published", _mode(ctx), versions, window.first_date, written,
        tables, refresh.watermark, ctx.who.started_at,
    )  # fmt: skip
    publish_id = finalize.write_log(conn, pg, entry)
    read = sum(rows.rows for _, rows in prepared if rows is not None)
    registry.apply_refresh(
        conn, pg.schema, refresh, _own_row(ctx, "succeeded", read, written, versions)
    )
    conn.commit()
    return publish_id, written


def _mode(ctx: RunContext) -> str:
    return "full_refresh" if getattr(ctx.args, "full_refresh", False) else "incremental"


def _publish(ctx: RunContext, conn: Connection) -> StageResult:
    spark, config, pg = ctx.spark, ctx.config, ctx.config.postgres
    versions = pin_versions(spark, config, ctx.who.run_id, ctx.args)
    if not versions:
        return StageResult(status="skipped", summary="no gold or platinum table to publish yet")
    state = finalize.last_published(conn, pg)
    previous = state.lake_versions if state else {}
    since, registered = (
        finalize.last_watermark(conn, pg),
        registry.registered_versions(conn, pg.schema),
    )
    with ThreadPoolExecutor(max_workers=1) as side:  # monitoring rows, while tables load
        gathering = side.submit(registry.gather, spark, config, versions, since, registered)
        window = current_window(spark, config, versions, state.window_start if state else None)
        is_full = _mode(ctx) == "full_refresh"
        if previous == versions and not is_full and not window.has_moved:
            return _record_skip(ctx, conn, versions, window, gathering.result())
        todo = [
            TablePlan(
                t, config.lake_path(*t.lake_name.split("/")), versions[t.lake_name],
                previous.get(t.lake_name), NONE,
            )
            for t in PUBLISH_TABLES
            if t.lake_name in versions
        ]  # fmt: skip
        token, started = uuid.uuid4().hex[:8], time.perf_counter()
        mover = Mover(pg, window.first_date, _channel(token))
        try:
            prepared = for_each(lambda p: _prepare(ctx, conn, mover, p, window, token), todo)
            refresh = gathering.result()
            committing = time.perf_counter()
            publish_id, written = _commit(ctx, mover, prepared, versions, window, refresh)
        finally:
            mover.close()
    done = time.perf_counter()
    moved = [
        f"{p.table.pg_table} ({p.action}: {p.reason})" for p, _ in prepared if p.action != NONE
    ]
    return StageResult(
        records_read=sum(rows.rows for _, rows in prepared if rows is not None),
        records_written=written,
        metrics={
            "mode": _mode(ctx),
            "publish_id": str(publish_id),
            "lake_versions": json.dumps(versions),
            "window_start": str(window.first_date),
            "seconds_load": f"{done - started:.3f}",
            "seconds_commit": f"{done - committing:.3f}",
        },
        summary=f"publish {publish_id}: {written} rows written; " + ("; ".join(moved) or "no rows"),
    )


def run_publish(ctx: RunContext) -> StageResult:
    """The publish stage (see the module docstring)."""
    pg = ctx.config.postgres
    applied = migrate(pg)
    if getattr(ctx.args, "migrate_only", False):
        done = ", ".join(applied) or "none pending"
        return StageResult(metrics={"migrations": done}, summary=f"migrations applied: {done}")
    with connect(pg, autocommit=True, purpose="publish-control") as conn:
        row = conn.execute(LOCK_SQL, [pg.schema]).fetchone()
        if row is None or not row[0]:
            raise PublishError(f"another publish into schema {pg.schema} is running; retry later")
        drop_staging_tables(conn, pg)  # what a crashed publish left behind
        try:
            return _publish(ctx, conn)
        except psycopg.Error as exc:
            message = f"publish into schema {pg.schema} failed: {safe_message(exc, pg)}"
            raise PublishError(message) from None
        finally:
            if not (conn.closed or conn.broken):
                drop_staging_tables(conn, pg)
