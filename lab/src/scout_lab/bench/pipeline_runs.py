"""The whole pipeline as a scheduler starts it, timed stage by stage: at scale, and for one
new day on a small and a large lake (its cost should follow the new data, not the size of
the lake).

Each run is one `scripts/spark-submit jobs/run_pipeline.py` with the plan's driver memory
(the JVM gets it at start, as a user's run does) and Spark's event log on. Per stage: its
seconds and rows from the run ledger, its peak RSS (the process tree, sampled) and peak
driver heap in the stage's window, and the Spark jobs it ran with the five costliest call
sites (event_log.py).
"""

import shutil
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.bench.event_log import EVENT_LOG_CONF, application_log, profile, read_event_log
from scout_lab.bench.memory import PeakMemory, peak_memory
from scout_lab.bench.workspace import START, Workspace, generate_days, place_overrides, workspace
from scout_spark.config import Config
from scout_spark.records.ledger import latest_ledger, read_ledger

ROOT = Path(__file__).resolve().parents[4]
SPARK_SUBMIT = ROOT / "scripts" / "spark-submit"
PIPELINE_JOB = ROOT / "jobs" / "run_pipeline.py"
STAGES = ("bronze", "silver", "gold", "platinum", "publish")
NEW_DAY_DATASETS = ("transactions", "items")
QUIET = "spark.extra_conf.spark.ui.showConsoleProgress=false"
# A failed run's log is kept here: its workspace, the log's first home, is removed.
FAILED_LOGS = ROOT / "data" / "benchmarks"


def say(message: str) -> None:
    """Progress on stderr: long runs show where they are."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


def submit_pipeline(config: Config, folder: Path, run_id: str, driver_memory: str) -> PeakMemory:
    """Run bronze to publish in one spark-submit, its event log into `folder`/events and
    its output into `folder`/spark-submit.log; its memory."""
    (folder / "events").mkdir(parents=True, exist_ok=True)
    conf = {**EVENT_LOG_CONF, "spark.eventLog.dir": (folder / "events").resolve().as_uri()}
    settings = [*place_overrides(config), QUIET]
    command = [
        str(SPARK_SUBMIT), "--driver-memory", driver_memory,
        *(item for key, value in conf.items() for item in ("--conf", f"{key}={value}")),
        str(PIPELINE_JOB), "--env", config.env, "--to-stage", STAGES[-1], "--run-id", run_id,
        *(item for setting in settings for item in ("--set", setting)),
    ]  # fmt: skip
    log = folder / "spark-submit.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        with peak_memory(process.pid) as memory:
            returncode = process.wait()
    if returncode != 0:
        kept = FAILED_LOGS / f"{run_id}-failed.log"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, kept)
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"run_pipeline exited {returncode} (whole log: {kept}):\n{tail}")
    return memory


def _ledger_rows(spark: SparkSession, config: Config, run_id: str) -> dict[str, dict]:
    rows = (
        latest_ledger(read_ledger(spark, config))
        .filter(F.col("pipeline_run_id") == run_id)
        .select(
            "stage",
            "status",
            "records_read",
            "records_written",
            "duration_seconds",
            F.unix_millis("started_at").alias("start_ms"),
            F.unix_millis("finished_at").alias("end_ms"),
        )
        .collect()
    )
    return {row["stage"]: row.asDict() for row in rows}


def timed_stages(
    spark: SparkSession, case: Workspace, label: str, driver_memory: str
) -> list[dict[str, Any]]:
    """Run bronze to publish (one spark-submit): per stage seconds, rows, memory, jobs."""
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    config, run_folder = case.config, case.folder / f"run-{run_id}"
    started = time.perf_counter()
    memory = submit_pipeline(config, run_folder, run_id, driver_memory)
    say(f"{label}: run_pipeline in {time.perf_counter() - started:.1f}s (spark-submit)")
    events = read_event_log(application_log(run_folder / "events"))
    ledger, rows = _ledger_rows(spark, config, run_id), []
    for name in STAGES:
        entry = ledger[name]
        seconds = entry["duration_seconds"] or 0.0
        window = (entry["start_ms"], entry["end_ms"])
        rows.append(
            {
                "stage": name,
                "status": entry["status"],
                "seconds": round(seconds, 2),
                "rows_read": entry["records_read"] or 0,
                "rows_written": entry["records_written"] or 0,
                "rows_per_s": round((entry["records_read"] or 0) / seconds) if seconds else 0,
                "peak_rss_mib": memory.peak_between(*window) >> 20,
                **profile(events, *window),
            }
        )
        figures = rows[-1]
        say(f"{label}: {name} {figures['status']} in {seconds:.1f}s, read "
            f"{figures['rows_read']:,}, {figures['spark_jobs']} Spark jobs")  # fmt: skip
    return rows


def pipeline_at_scale(
    spark: SparkSession, base: Config, folder: Path, size: tuple[int, int], driver_memory: str
) -> tuple[dict[str, Any], Workspace]:
    """Generate `size` (transactions, days), then run bronze to publish once."""
    (transactions, days), case = size, workspace(base, folder)
    generate_days(case.landing, START, days, transactions // days)
    stages = timed_stages(spark, case, f"pipeline {transactions:,}", driver_memory)
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
    spark: SparkSession, base: Config, folder: Path, size: tuple[int, int], driver_memory: str
) -> tuple[dict[str, Any], Workspace]:
    """Build a lake of `size` (days, transactions per day), land one more day, time the
    pipeline run for it."""
    (lake_days, per_day), case = size, workspace(base, folder)
    generate_days(case.landing, START, lake_days, per_day)
    label = f"incremental {lake_days} days"
    timed_stages(spark, case, f"{label}: initial build", driver_memory)
    _land_new_day(case, lake_days, per_day)
    stages = timed_stages(spark, case, f"{label}: one new day", driver_memory)
    return {
        "lake_days": lake_days,
        "per_day": per_day,
        "stages": stages,
        "total_s": round(sum(s["seconds"] for s in stages), 2),
    }, case
