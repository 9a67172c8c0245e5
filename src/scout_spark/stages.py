"""Registry of the stages a job can run, by name, with the options each takes.

A stage is a library call on a RunContext whose `options` is the stage's own frozen
dataclass; `stage_options` builds and checks it (the command line layer does, before
Spark starts, and so do tests that run a stage in process).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from scout_spark.context import NoOptions, RunContext
from scout_spark.errors import ConfigError
from scout_spark.lake.as_of import AsOf
from scout_spark.ops.doctor import run_doctor
from scout_spark.ops.maintain import MaintainOptions, run_maintain
from scout_spark.ops.rollback import RollbackOptions, run_rollback
from scout_spark.pipelines.bronze import run_bronze
from scout_spark.pipelines.bronze_options import BronzeOptions
from scout_spark.pipelines.build_options import BuildOptions
from scout_spark.pipelines.gold import run_gold
from scout_spark.pipelines.monitor import MonitorOptions, run_monitor
from scout_spark.pipelines.platinum import run_platinum
from scout_spark.pipelines.silver import run_silver
from scout_spark.pipelines.silver_options import SilverOptions
from scout_spark.publish.publish import PublishOptions, run_publish
from scout_spark.report.stage import ReportOptions, run_report
from scout_spark.results import StageResult


@dataclass(frozen=True)
class Stage:
    """One runnable stage: its name, help text, the library call and its options' type."""

    name: str
    description: str
    run: Callable[[RunContext[Any]], StageResult]
    options: type = NoOptions


def stage_options(stage: Stage, values: Mapping[str, object], as_of: AsOf) -> Any:
    """`stage`'s options from `values` (by field name); ConfigError for an unknown name or
    a bad combination (a pinned read without --full-refresh among them)."""
    known = {f.name for f in fields(stage.options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{stage.name}: no option {', '.join(unknown)} (it has: "
                          f"{', '.join(sorted(known)) or 'none'})")  # fmt: skip
    options = stage.options(**values)
    if "full_refresh" in known:  # a stage that reads its inputs as of a pinned state
        as_of.check_full_refresh(options.full_refresh)
    return options


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage(
            "doctor",
            "Check config, bucket access (a Delta round trip), Postgres and jars.",
            run_doctor,
        ),
        Stage(
            "bronze",
            "Ingest every landed file exactly once, raw and with lineage.",
            run_bronze,
            BronzeOptions,
        ),
        Stage(
            "silver",
            "Type, check, quarantine and deduplicate the bronze rows added since the last run.",
            run_silver,
            SilverOptions,
        ),
        Stage(
            "gold",
            "Restate the gold tables for the sales dates whose silver rows changed.",
            run_gold,
            BuildOptions,
        ),
        Stage(
            "platinum",
            "Recompute store monitors for changed dates and rebuild customer features.",
            run_platinum,
            BuildOptions,
        ),
        Stage(
            "publish",
            "Publish the changed gold and platinum slices to the dashboard's Postgres, atomically.",
            run_publish,
            PublishOptions,
        ),
        Stage(
            "report",
            "Write the run report: an HTML page of run history, rows, quality and alerts.",
            run_report,
            ReportOptions,
        ),
        Stage(
            "monitor",
            "Check freshness, volume, zero-row runs, date gaps and reconciliation; record alerts.",
            run_monitor,
            MonitorOptions,
        ),
        Stage(
            "rollback",
            "Restore every lake table a run wrote to its version before the run (Delta RESTORE).",
            run_rollback,
            RollbackOptions,
        ),
        Stage(
            "maintain",
            "OPTIMIZE (compaction, Z-ORDER) and VACUUM per layer, outside the rollback window.",
            run_maintain,
            MaintainOptions,
        ),
    )
}
