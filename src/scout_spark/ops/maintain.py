"""jobs/maintain.py: OPTIMIZE (compaction, Z-ORDER on filter columns) and VACUUM per layer.

A table no commit changed since its latest OPTIMIZE (with the same Z-ORDER columns) is
not optimized again: Delta's ZORDER would rewrite every file of it for nothing. A table
with no file older than its VACUUM retention is not vacuumed: VACUUM deletes only files
modified before the retention cutoff (and empty folders, which the next VACUUM that runs
removes), so it would delete nothing and still add two commits.

Settings per layer come from `maintenance.<layer>` in config. VACUUM never keeps less
than `maintenance.rollback_window_hours`: a shorter retention (from config or from
--retention-hours) is refused, because it would delete files that a rollback or a
time-travel read inside that window needs. Each table is maintained under its writer's
lock, so maintenance never races the pipeline.
"""

import json
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pyspark.sql import Row, SparkSession

from scout_spark.config.model import LayerMaintenance
from scout_spark.context import RunContext
from scout_spark.errors import ConfigError, ScoutError
from scout_spark.lake import delta_sql
from scout_spark.lake.catalog import lake_tables
from scout_spark.lake.lock import TableLock
from scout_spark.lake.table_locks import locks_for
from scout_spark.lake.tables import lock_name
from scout_spark.lake.writes import operation_metrics, table_version
from scout_spark.parallel import for_each
from scout_spark.results import StageResult, TableVersions
from scout_spark.runtime.file_ages import any_file_before
from scout_spark.session import temporary_conf

LAYERS = ("bronze", "silver", "gold", "platinum", "ops")
RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled"
VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled"
VACUUM_COMMITS = frozenset({"VACUUM START", "VACUUM END"})  # change no data
HISTORY_LOOKBACK = 20  # commits searched for the latest OPTIMIZE
# VACUUM's cutoff is the driver's clock (the server's over Connect), ours is this process's:
# a file this much newer than our cutoff still counts as old, so skew never skips a VACUUM.
CLOCK_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class MaintainOptions:
    """The layers to maintain (default all), a VACUUM retention for this run, what to skip."""

    layer: tuple[str, ...] = ()
    retention_hours: int | None = None
    skip_optimize: bool = False
    skip_vacuum: bool = False
    dry_run: bool = False  # list what VACUUM would delete

    def __post_init__(self) -> None:
        object.__setattr__(self, "layer", tuple(self.layer or ()))
        unknown = [name for name in self.layer if name not in LAYERS]
        if unknown:
            known = ", ".join(LAYERS)
            raise ConfigError(f"maintain: unknown layer {unknown[0]!r} (one of {known})")


def layer_of(table: str) -> str:
    """The maintenance layer of a lake table name ("_ops/..." is `ops`)."""
    first = table.split("/", 1)[0]
    return "ops" if first == "_ops" else first


def retention_hours(requested: int | None, layer: LayerMaintenance, window: int) -> int:
    """The VACUUM retention to use; refuses one shorter than the rollback window."""
    hours = layer.vacuum_retention_hours if requested is None else requested
    if hours < window:
        raise ScoutError(
            f"maintain: refusing a VACUUM retention of {hours}h: shorter than the rollback "
            f"window (maintenance.rollback_window_hours = {window}h); a rollback or "
            "--as-of read inside that window would find its files deleted"
        )
    return hours


def _vacuum_settings(spark: SparkSession) -> AbstractContextManager[None]:
    """Our rollback-window check replaces Delta's fixed 7-day one; VACUUM logs its counts."""
    return temporary_conf(spark, {RETENTION_CHECK: "false", VACUUM_LOGGING: "true"})


def optimized_version(history: Iterable[Row], columns: list[str]) -> int | None:
    """The version of the table's latest OPTIMIZE (Z-ordered by `columns`) when no later
    commit changed its data, from its history rows (newest first); else None.

    Delta's ZORDER rewrites every file of the table each time (a file already in order
    too): a table nothing wrote to since is left as it is.
    """
    for row in history:
        if row["operation"] == "OPTIMIZE":
            params = row["operationParameters"] or {}
            ordered = json.loads(params.get("zOrderBy") or "[]")
            return int(row["version"]) if ordered == columns else None
        if row["operation"] not in VACUUM_COMMITS:
            return None
    return None


def only_vacuums(history: list[Row], limit: int) -> bool:
    """True when the `limit` newest commits read are all VACUUM's: the latest OPTIMIZE may
    be further back (each VACUUM that runs adds two commits)."""
    return len(history) >= limit and all(r["operation"] in VACUUM_COMMITS for r in history)


def _optimize(spark: SparkSession, path: str, zorder: str | None) -> dict[str, str]:
    columns = [c.strip() for c in (zorder or "").split(",") if c.strip()]
    done = {"zorder": ",".join(columns)}
    history = delta_sql.history(spark, path, HISTORY_LOOKBACK).collect()
    if only_vacuums(history, HISTORY_LOOKBACK):
        history = delta_sql.history(spark, path).collect()
    if (version := optimized_version(history, columns)) is not None:
        return done | {"optimize_skipped": f"unchanged since its OPTIMIZE, version {version}"}
    zorder_by = f" ZORDER BY ({', '.join(f'`{c}`' for c in columns)})" if columns else ""
    metrics_df = spark.sql(f"OPTIMIZE {delta_sql.table_ref(path)}{zorder_by}")
    row = metrics_df.select("metrics.numFilesAdded", "metrics.numFilesRemoved").first()
    added, removed = (0, 0) if row is None else (row[0] or 0, row[1] or 0)
    return done | {"files_removed": str(removed), "files_added": str(added)}


def has_old_files(spark: SparkSession, path: str, hours: int, now: datetime | None = None) -> bool:
    """True when VACUUM with a retention of `hours` could delete a file of the table: one of
    its data, deletion-vector or change-feed files is older than the cutoff (or nearly)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=hours) + CLOCK_MARGIN
    return any_file_before(spark, path, cutoff, also=("_change_data",))


def _vacuum(spark: SparkSession, path: str, hours: int, *, dry_run: bool) -> dict[str, str]:
    if not has_old_files(spark, path, hours):
        return {"vacuum_skipped": f"no file older than {hours}h", "retention_hours": str(hours)}
    if dry_run:
        listed = spark.sql(f"VACUUM delta.`{path}` RETAIN {hours} HOURS DRY RUN").count()
        return {"would_delete": str(listed), "retention_hours": str(hours)}
    spark.sql(f"VACUUM {delta_sql.table_ref(path)} RETAIN {int(hours)} HOURS").collect()
    deleted = operation_metrics(spark, path, table_version(spark, path)).get("numDeletedFiles")
    return {"files_deleted": deleted or "0", "retention_hours": str(hours)}


def _check(locks: list[TableLock]) -> None:
    for lock in locks:
        lock.check()


@dataclass(frozen=True)
class _Plan:
    """What this run does to each table: the options and each layer's VACUUM retention."""

    ctx: RunContext[MaintainOptions]
    hours: dict[str, int]

    def table(self, name: str, path: str) -> tuple[TableVersions, dict[str, str]]:
        """OPTIMIZE, then VACUUM, one table under its writer's lock."""
        spark, options = self.ctx.spark, self.ctx.options
        layer = getattr(self.ctx.config.maintenance, layer_of(name))
        with locks_for(spark, self.ctx.config, [name], self.ctx.who.run_id) as locks:
            before = table_version(spark, path)
            done: dict[str, str] = {}
            if layer.optimize and not options.skip_optimize:
                _check(locks)
                done |= _optimize(spark, path, layer.zorder.get(name.split("/", 1)[1]))
            if not options.skip_vacuum:
                _check(locks)
                done |= _vacuum(spark, path, self.hours[layer_of(name)], dry_run=options.dry_run)
            return TableVersions(before, table_version(spark, path)), done

    def group(self, tables: dict[str, str]) -> dict[str, tuple[TableVersions, dict[str, str]]]:
        return {name: self.table(name, path) for name, path in tables.items()}


def lock_groups(tables: dict[str, str]) -> list[dict[str, str]]:
    """The tables by the lock their writer takes (a table without one alone), in order."""
    groups: dict[str, dict[str, str]] = {}
    for name, path in tables.items():
        groups.setdefault(lock_name(name) or name, {})[name] = path
    return list(groups.values())


def run_maintain(ctx: RunContext[MaintainOptions]) -> StageResult:
    """OPTIMIZE and VACUUM every table of the selected layers, as configured: the tables
    of different writers' locks at once (a few Spark jobs each, mostly waiting on the
    driver), those of one lock one after the other."""
    spark, options, settings = ctx.spark, ctx.options, ctx.config.maintenance
    layers = list(options.layer or LAYERS)
    window = settings.rollback_window_hours
    hours = {name: retention_hours(options.retention_hours, getattr(settings, name), window)
             for name in layers}  # fmt: skip
    tables = {n: p for n, p in lake_tables(spark, ctx.config).items() if layer_of(n) in layers}
    with _vacuum_settings(spark):  # once for the run: the threads share the session
        done = for_each(_Plan(ctx, hours).group, lock_groups(tables))
    results = {name: result for group in done for name, result in group.items()}
    versions = {name: results[name][0] for name in tables}
    metrics = {f"{n}.{k}": v for n in tables for k, v in results[n][1].items() if v}
    compacted = sum(int(v) for k, v in metrics.items() if k.endswith(".files_removed"))
    deleted = sum(int(v) for k, v in metrics.items() if k.endswith(".files_deleted"))
    unchanged = sum(k.endswith(".optimize_skipped") for k in metrics)
    young = sum(k.endswith(".vacuum_skipped") for k in metrics)
    return StageResult(
        tables=versions,
        metrics=metrics,
        summary=f"{len(tables)} tables in {', '.join(layers)}: {compacted} small files "
        f"compacted, {deleted} unreferenced files vacuumed"
        + (f", {unchanged} unchanged since their last OPTIMIZE" if unchanged else "")
        + (f", {young} with no file older than their retention" if young else "")
        + (" (dry run: nothing deleted)" if options.dry_run else ""),
    )
