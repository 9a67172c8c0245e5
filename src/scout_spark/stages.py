"""Registry of the stages a job can run, by name."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from scout_spark.cli.context import RunContext
from scout_spark.ops.doctor import run_doctor
from scout_spark.ops.maintain import add_arguments as add_maintain_arguments
from scout_spark.ops.maintain import run_maintain
from scout_spark.ops.results import StageResult
from scout_spark.ops.rollback import add_arguments as add_rollback_arguments
from scout_spark.ops.rollback import run_rollback
from scout_spark.pipelines.bronze import add_arguments as add_bronze_arguments
from scout_spark.pipelines.bronze import run_bronze
from scout_spark.pipelines.gold import add_arguments as add_build_arguments
from scout_spark.pipelines.gold import run_gold
from scout_spark.pipelines.monitor import add_arguments as add_monitor_arguments
from scout_spark.pipelines.monitor import run_monitor
from scout_spark.pipelines.platinum import run_platinum
from scout_spark.pipelines.silver import add_arguments as add_silver_arguments
from scout_spark.pipelines.silver import run_silver
from scout_spark.publish.publish import add_arguments as add_publish_arguments
from scout_spark.publish.publish import run_publish
from scout_spark.report.stage import add_arguments as add_report_arguments
from scout_spark.report.stage import run_report


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """Stages without options of their own."""


@dataclass(frozen=True)
class Stage:
    """One runnable stage: its name, help text, options and the library call."""

    name: str
    description: str
    run: Callable[[RunContext], StageResult]
    add_arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments


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
            add_bronze_arguments,
        ),
        Stage(
            "silver",
            "Type, check, quarantine and deduplicate the bronze rows added since the last run.",
            run_silver,
            add_silver_arguments,
        ),
        Stage(
            "gold",
            "Restate the gold tables for the sales dates whose silver rows changed.",
            run_gold,
            add_build_arguments,
        ),
        Stage(
            "platinum",
            "Recompute store monitors for changed dates and rebuild customer features.",
            run_platinum,
            add_build_arguments,
        ),
        Stage(
            "publish",
            "Publish the changed gold and platinum slices to the dashboard's Postgres, atomically.",
            run_publish,
            add_publish_arguments,
        ),
        Stage(
            "report",
            "Write the run report: an HTML page of run history, rows, quality and alerts.",
            run_report,
            add_report_arguments,
        ),
        Stage(
            "monitor",
            "Check freshness, volume, zero-row runs, date gaps and reconciliation; record alerts.",
            run_monitor,
            add_monitor_arguments,
        ),
        Stage(
            "rollback",
            "Restore every lake table a run wrote to its version before the run (Delta RESTORE).",
            run_rollback,
            add_rollback_arguments,
        ),
        Stage(
            "maintain",
            "OPTIMIZE (compaction, Z-ORDER) and VACUUM per layer, outside the rollback window.",
            run_maintain,
            add_maintain_arguments,
        ),
    )
}
