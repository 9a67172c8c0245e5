"""Two pipeline runs started at the same moment on one env (one lake, one schema): one
proceeds per table, the other waits or exits naming the holder, and the end state equals
one clean run. On the local lake and on the local S3 endpoint."""

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from scout_lab.bench.chaos_compare import (
    Comparison,
    compare,
    dashboard_rows,
    lake_state,
    s3_delta_tables,
)
from scout_lab.bench.chaos_state import World, world
from scout_lab.bench.chaos_trial import job_command, kill_group, start, state_of, submit
from scout_spark.config import Config

WAITED = re.compile(r"waiting for \S+: held by run \S+")
GAVE_UP = re.compile(r"\S+ is being written by run \S+")


@dataclass(frozen=True)
class Twin:
    """One of the two runs: exit code, and whether it waited for or named the other."""

    returncode: int | None
    waited: bool
    named_holder: bool
    log: Path


@dataclass(frozen=True)
class TwoRuns:
    lake: str  # "local" or "s3"
    twins: tuple[Twin, Twin]
    comparison: Comparison

    @property
    def orderly(self) -> bool:
        """Each run finished, or stopped on a lock naming who held it."""
        return all(t.returncode == 0 or t.named_holder for t in self.twins)

    @property
    def equal(self) -> bool:
        return self.orderly and self.comparison.equal


def clean_run(spark: SparkSession, base: Config, landing: Path, folder: Path) -> World:
    """One run_pipeline from an empty lake and schema: what two runs at once must equal."""
    where = world(base, folder, landing)
    run = submit(job_command("pipeline", where, "chaos-clean"), folder / "run.log")
    if run.returncode != 0:
        raise RuntimeError(f"the clean pipeline run exited {run.returncode}; see {run.log}")
    return where


def _twins(where: World, folder: Path) -> tuple[Twin, Twin]:
    logs = [folder / f"run-{side}.log" for side in "ab"]
    procs = [
        start(job_command("pipeline", where, f"chaos-twin-{side}"), log)
        for side, log in zip("ab", logs, strict=True)
    ]
    try:
        for proc in procs:
            proc.wait(timeout=3600)
    finally:
        for proc in procs:
            kill_group(proc)
    out = []
    for proc, log in zip(procs, logs, strict=True):
        text = log.read_text(errors="replace")
        out.append(
            Twin(proc.returncode, bool(WAITED.search(text)), bool(GAVE_UP.search(text)), log)
        )
    return out[0], out[1]


def two_runs_local(
    spark: SparkSession, base: Config, landing: Path, folder: Path, reference: dict[str, Any]
) -> TwoRuns:
    where = world(base, folder, landing)
    twins = _twins(where, folder)
    return TwoRuns("local", twins, compare(reference, state_of(spark, where)))


def two_runs_s3(
    spark: SparkSession,
    base: Config,
    landing: Path,
    folder: Path,
    reference: dict[str, Any],
    s3: Any,
) -> TwoRuns:
    """The same on s3a://<fresh bucket>/lake/ of the local S3 endpoint."""
    bucket = f"scout-chaos-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    where = world(base, folder, landing, lake_root=f"s3a://{bucket}/lake/")
    twins = _twins(where, folder)
    tables = s3_delta_tables(s3, bucket, "lake/")
    state = lake_state(spark, tables, (f"s3a://{bucket}/lake",)) | dashboard_rows(where.config)
    return TwoRuns("s3", twins, compare(reference, state))
