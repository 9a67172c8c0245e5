"""Rollback of a run: every lake table it committed to goes back to its version before it.

The run is a stage run id or a pipeline run id (then every stage of it). Each Delta commit
a stage makes carries its run id (lake/commit_tag.py), so the bookkeeping tables (bronze
file state, checkpoints) and the commits of a run that failed midway are found too. A
table's target is the version before the run's first commit to it: RESTORE brings it back
as a new commit (a rollback can itself be rolled back); a table the run created is emptied
(DELETE). Refused when another run committed to a table after this one, unless --force:
restoring would undo that run as well. The restore commits also name the run they undo,
so a rollback killed midway is finished by running it again: its own restores are not
"later runs". The run ledger and the monitor results are never rolled back.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.context import RunContext
from scout_spark.errors import ScoutError
from scout_spark.lake import delta_sql
from scout_spark.lake.catalog import lake_tables
from scout_spark.lake.commit_tag import TAG_PREFIX, run_tag, tag_parts, undo_commits
from scout_spark.lake.lock import TableLock
from scout_spark.lake.table_locks import locks_for
from scout_spark.lake.tables import RUN_LEDGER, RUN_MONITORS, table_path
from scout_spark.lake.writes import table_version
from scout_spark.parallel import for_each
from scout_spark.records.crash import crash_point
from scout_spark.records.ledger import read_ledger
from scout_spark.results import StageResult, TableVersions

# Records of what happened, not data derived from it: a rollback adds to them.
NEVER_ROLLED_BACK = (RUN_LEDGER, RUN_MONITORS)  # what happened stays on record


@dataclass(frozen=True)
class Commit:
    """One Delta commit: its version and the userMetadata tag (None when untagged)."""

    version: int
    tag: str | None


@dataclass(frozen=True)
class TableRollback:
    """What rolling back one table means."""

    name: str
    current: int
    restore_to: int | None  # None: the run created the table, so it is emptied
    later_runs: tuple[str, ...]  # other runs that committed after the run's first commit


@dataclass(frozen=True)
class RollbackOptions:
    """The run to roll back (jobs/rollback.py's --run-id), and --force past later runs."""

    target_run: str | None = None
    force: bool = False


def plan_table(
    name: str, commits: Sequence[Commit], tags: set[str], target: str | None = None
) -> TableRollback | None:
    """The rollback of one table from its history; None when the run never committed to it.

    Restores of an earlier rollback of the same `target` are not later runs: restoring
    again to the same version finishes (or repeats) that rollback.
    """
    runs = [(c.version, *tag_parts(c.tag)) for c in commits]
    ours = [version for version, own, _ in runs if own in tags]
    if not ours:
        return None
    first = min(ours)
    later = {
        (own or "")[len(TAG_PREFIX) :] or "an untagged writer"
        for version, own, undone in runs
        if version > first and own not in tags and (target is None or undone != target)
    }
    current = max(c.version for c in commits)
    return TableRollback(name, current, first - 1 if first > 0 else None, tuple(sorted(later)))


def stage_runs(spark: SparkSession, ctx: RunContext, target: str) -> list[str]:
    """The stage run ids of `target`: itself, or every stage of the pipeline run `target`."""
    ledger_df = read_ledger(spark, ctx.config).filter(
        (F.col("run_id") == target) | (F.col("pipeline_run_id") == target)
    )
    return sorted({row["run_id"] for row in ledger_df.select("run_id").distinct().collect()})


def _history(spark: SparkSession, path: str) -> list[Commit]:
    rows = delta_sql.history(spark, path).select("version", "userMetadata").collect()
    return [Commit(int(r["version"]), r["userMetadata"]) for r in rows]


def _roll_back(
    spark: SparkSession, path: str, plan: TableRollback, locks: list[TableLock]
) -> TableVersions:
    for lock in locks:
        lock.check()
    if plan.restore_to is None:
        spark.sql(f"DELETE FROM {delta_sql.table_ref(path)}").collect()
    else:
        restore = f"RESTORE TABLE {delta_sql.table_ref(path)} TO VERSION AS OF {plan.restore_to}"
        spark.sql(restore).collect()
    crash_point("rollback.after_table")
    return TableVersions(plan.current, table_version(spark, path))


def run_rollback(ctx: RunContext[RollbackOptions]) -> StageResult:
    """Restore every lake table run `--target-run` wrote to its version before that run."""
    spark, target = ctx.spark, ctx.options.target_run
    if not target:
        raise ScoutError("rollback: name the run to roll back with --run-id")
    runs = stage_runs(spark, ctx, target) if table_version(spark, _ledger(ctx)) is not None else []
    tags = {run_tag(r) for r in [target, *runs]}
    tables = {n: p for n, p in lake_tables(spark, ctx.config).items() if n not in NEVER_ROLLED_BACK}
    with locks_for(spark, ctx.config, tables, ctx.who.run_id) as locks:  # no writer meanwhile
        histories = for_each(lambda p: _history(spark, p), tables.values())
        plans = [
            plan
            for name, commits in zip(tables, histories, strict=True)
            if (plan := plan_table(name, commits, tags, target)) is not None
        ]
        _check(target, plans, force=ctx.options.force)
        with undo_commits(spark, ctx.who.run_id, target):
            restored = for_each(lambda p: _roll_back(spark, tables[p.name], p, locks), plans)
    targets = {p.name: "emptied" if p.restore_to is None else f"v{p.restore_to}" for p in plans}
    return StageResult(
        tables=dict(zip(targets, restored, strict=True)),
        metrics={"rolled_back_run": target, **{f"restored.{k}": v for k, v in targets.items()}},
        summary=f"run {target}: {len(plans)} tables restored ("
        + ", ".join(f"{k} {v}" for k, v in targets.items())
        + ")",
    )


def _check(target: str, plans: list[TableRollback], *, force: bool) -> None:
    if not plans:
        raise ScoutError(f"rollback: no lake table has a commit of run {target}; nothing to undo")
    blocked = [p for p in plans if p.later_runs]
    if blocked and not force:
        detail = "; ".join(f"{p.name} (by {', '.join(p.later_runs)})" for p in blocked)
        raise ScoutError(
            f"rollback of {target} refused: later runs wrote the same tables: {detail}; "
            "roll those back first, or pass --force to undo them too"
        )


def _ledger(ctx: RunContext) -> str:
    return table_path(ctx.config, RUN_LEDGER)
