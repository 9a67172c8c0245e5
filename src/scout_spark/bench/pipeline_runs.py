"""The whole pipeline timed stage by stage: at scale, and for one new day on a small and a
large lake (its cost should follow the new data, not the size of the lake)."""

import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from scout_spark.bench.memory import peak_memory
from scout_spark.bench.workspace import START, Workspace, generate_days, workspace
from scout_spark.cli.runner import invoke
from scout_spark.config import Config

STAGES = ("bronze", "silver", "gold", "platinum", "publish")
NEW_DAY_DATASETS = ("transactions", "items")


def say(message: str) -> None:
    """Progress on stderr: long runs show where they are."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


def timed_stages(spark: SparkSession, config: Config, label: str) -> list[dict[str, Any]]:
    """Run bronze to publish in this session: seconds, rows and peak memory per stage."""
    rows = []
    for name in STAGES:
        with peak_memory() as memory:
            started = time.perf_counter()
            result = invoke(spark, config, name)
            seconds = time.perf_counter() - started
        rows.append(
            {
                "stage": name,
                "status": result.status,
                "seconds": round(seconds, 2),
                "rows_read": result.records_read,
                "rows_written": result.records_written,
                "rows_per_s": round(result.records_read / seconds) if seconds else 0,
                "peak_rss_mib": memory.peak >> 20,
            }
        )
        say(f"{label}: {name} {result.status} in {seconds:.1f}s, read {result.records_read:,}")
    return rows


def pipeline_at_scale(
    spark: SparkSession, base: Config, folder: Path, transactions: int, days: int
) -> tuple[dict[str, Any], Workspace]:
    """Generate `transactions` over `days` days, then run bronze to publish once."""
    case = workspace(base, folder)
    generate_days(case.landing, START, days, transactions // days)
    stages = timed_stages(spark, case.config, f"pipeline {transactions:,}")
    total = sum(s["seconds"] for s in stages)
    source_rows = stages[0]["rows_read"]
    return {
        "transactions": transactions,
        "days": days,
        "source_rows": source_rows,
        "stages": stages,
        "total_s": round(total, 2),
        "rows_per_s": round(source_rows / total) if total else 0,
        "peak_rss_mib": max(s["peak_rss_mib"] for s in stages),
    }, case


def _land_new_day(case: Workspace, lake_days: int, per_day: int) -> None:
    """One more day's transactions and items, as a new Hive partition of each."""
    day = START + timedelta(days=lake_days)
    staging = case.folder / "new-day"
    generate_days(staging, day, 1, per_day)
    for dataset in NEW_DAY_DATASETS:
        partition = f"dt={day.isoformat()}"
        shutil.copytree(staging / dataset / partition, case.landing / dataset / partition)


def new_day_cost(
    spark: SparkSession, base: Config, folder: Path, lake_days: int, per_day: int
) -> tuple[dict[str, Any], Workspace]:
    """Build a lake of `lake_days` days, land one more day, time the pipeline run for it."""
    case = workspace(base, folder)
    generate_days(case.landing, START, lake_days, per_day)
    timed_stages(spark, case.config, f"incremental {lake_days} days: initial build")
    _land_new_day(case, lake_days, per_day)
    stages = timed_stages(spark, case.config, f"incremental {lake_days} days: one new day")
    return {
        "lake_days": lake_days,
        "per_day": per_day,
        "stages": stages,
        "total_s": round(sum(s["seconds"] for s in stages), 2),
    }, case
