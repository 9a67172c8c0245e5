"""Where a spark-submit run's time and heap went, read from Spark's own event log.

The benchmark starts each pipeline with the event log on (EVENT_LOG_CONF: one JSON
line per event, neither rolled nor compressed). PySpark names each Spark job after the
Python line that started it (`save at .../scout_spark/lake/writes.py:88`), so the log
says which step cost what with no code in the jobs. Task ends carry the executor's peak
heap; in local mode the driver is the executor, so that is the driver heap.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENT_LOG_CONF = {
    "spark.eventLog.enabled": "true",
    "spark.eventLog.rolling.enabled": "false",
    "spark.eventLog.compress": "false",
    "spark.eventLog.logStageExecutorMetrics": "true",
}
COSTLIEST = 5
PACKAGE = "scout_spark/"
SQL_START = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart"


@dataclass(frozen=True)
class SparkJob:
    """One Spark job: when it was submitted (epoch ms), how long it ran, what started it."""

    submitted_ms: int
    seconds: float
    site: str


@dataclass(frozen=True)
class EventLog:
    """The jobs of one application and its heap readings (epoch ms, bytes)."""

    jobs: tuple[SparkJob, ...]
    heap: tuple[tuple[int, int], ...]


def short_site(site: str) -> str:
    """`save at /x/src/scout_spark/lake/writes.py:88` -> `save at lake/writes.py:88`."""
    action, _, where = site.partition(" at ")
    if not where:
        return site
    where = where.split(PACKAGE, 1)[1] if PACKAGE in where else where.rsplit("/", 1)[-1]
    return f"{action} at {where}"


def _python_line(text: str) -> bool:
    return ".py:" in text


def _site(event: dict[str, Any], executions: dict[int, tuple[int, str]]) -> str:
    """The most telling name of a job: the Python line that started it (its own call site
    or its root SQL query's), else Delta's or Spark's own description, prefixed with the
    step (job group) it ran in."""
    properties = event.get("Properties") or {}
    execution = executions.get(int(properties.get("spark.sql.execution.id") or -1))
    root = executions.get(execution[0]) if execution else None
    candidates = [
        root[1] if root else "",
        execution[1] if execution else "",
        properties.get("callSite.short") or "",
    ]
    described = properties.get("spark.job.description") or ""
    stages = event.get("Stage Infos") or [{}]
    site = (
        next((c for c in candidates if _python_line(c)), None)
        or described
        or next((c for c in candidates if c), stages[-1].get("Stage Name", "unknown"))
    )
    group = properties.get("spark.jobGroup.id")
    return f"{group}: {short_site(site)}" if group else short_site(site)


def read_event_log(path: Path) -> EventLog:
    """The jobs and heap readings of the one application logged at `path`."""
    started: dict[int, tuple[int, str]] = {}
    executions: dict[int, tuple[int, str]] = {}  # id: (root id, description)
    jobs, heap = [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            kind = event.get("Event")
            if kind == SQL_START:
                execution = event["executionId"]
                root = event.get("rootExecutionId", execution)
                executions[execution] = (root, str(event.get("description") or ""))
            elif kind == "SparkListenerJobStart":
                started[event["Job ID"]] = (event["Submission Time"], _site(event, executions))
            elif kind == "SparkListenerJobEnd" and event["Job ID"] in started:
                submitted, site = started.pop(event["Job ID"])
                seconds = (event["Completion Time"] - submitted) / 1000
                jobs.append(SparkJob(submitted, seconds, site))
            elif kind == "SparkListenerTaskEnd":
                metrics = event.get("Task Executor Metrics") or {}
                finished = (event.get("Task Info") or {}).get("Finish Time")
                if metrics.get("JVMHeapMemory") and finished:
                    heap.append((finished, metrics["JVMHeapMemory"]))
    return EventLog(tuple(jobs), tuple(heap))


def application_log(folder: Path) -> Path:
    """The one event log Spark wrote into `folder` (a run starts one application)."""
    logs = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    if len(logs) != 1:
        raise RuntimeError(f"expected one Spark event log in {folder}, found {len(logs)}")
    return logs[0]


def profile(log: EventLog, start_ms: int, end_ms: int) -> dict[str, Any]:
    """Spark jobs submitted in [start_ms, end_ms]: count, seconds, the costliest call
    sites (summed over their jobs) and the peak heap the window's tasks saw."""
    jobs = [j for j in log.jobs if start_ms <= j.submitted_ms <= end_ms]
    by_site: dict[str, list[SparkJob]] = {}
    for job in jobs:
        by_site.setdefault(job.site, []).append(job)
    costliest = sorted(by_site.items(), key=lambda item: -sum(j.seconds for j in item[1]))
    heap = [b for ms, b in log.heap if start_ms <= ms <= end_ms]
    return {
        "spark_jobs": len(jobs),
        "job_seconds": round(sum(j.seconds for j in jobs), 2),
        "costliest": [
            {"site": site, "jobs": len(group), "seconds": round(sum(j.seconds for j in group), 2)}
            for site, group in costliest[:COSTLIEST]
        ],
        "peak_heap_mib": max(heap, default=0) >> 20,
    }
