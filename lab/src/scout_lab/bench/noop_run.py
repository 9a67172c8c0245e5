"""A run of the whole pipeline with no new data vs an empty Spark job, both as the
scheduler starts them: a spark-submit process each, JVM start included."""

import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from scout_lab.bench import empty_job
from scout_lab.bench.workspace import Workspace

ROOT = Path(__file__).resolve().parents[4]
SPARK_SUBMIT = ROOT / "scripts" / "spark-submit"
PIPELINE_JOB = ROOT / "jobs" / "run_pipeline.py"


def _timed_submit(script: Path, arguments: list[str]) -> float:
    """Seconds a spark-submit of `script` takes; its output only shown when it fails."""
    command = [str(SPARK_SUBMIT), str(script), *arguments]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).splitlines()[-15:])
        raise RuntimeError(f"{script.name} exited {done.returncode}:\n{tail}")
    return seconds


def noop_vs_empty(case: Workspace, rounds: int = 3) -> dict[str, Any]:
    """`case` is up to date: time run_pipeline (bronze to publish) and the empty job, one
    after the other, `rounds` times; the medians and each round's seconds."""
    settings = [item for o in case.overrides() for item in ("--set", o)]
    quiet = ["--set", "spark.extra_conf.spark.ui.showConsoleProgress=false"]
    timed = []
    for _ in range(rounds):
        pipeline_s = _timed_submit(
            PIPELINE_JOB, ["--env", "local", "--to-stage", "publish", *settings, *quiet]
        )
        empty_s = _timed_submit(Path(empty_job.__file__), ["--env", "local", *settings, *quiet])
        timed.append((round(pipeline_s, 2), round(empty_s, 2)))
    pipeline_median = statistics.median(p for p, _ in timed)
    empty_median = statistics.median(e for _, e in timed)
    return {
        "pipeline_no_new_data_s": pipeline_median,
        "empty_spark_job_s": empty_median,
        "ratio": round(pipeline_median / empty_median, 2),
        "rounds": timed,
    }
