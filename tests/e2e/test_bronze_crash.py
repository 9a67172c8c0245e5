"""Crash safety: a bronze spark-submit SIGKILLed mid-run, then rerun, equals an uninterrupted run."""

import dataclasses
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.cli import main as generate
from scout_spark.cli.runner import invoke
from scout_spark.config import Config

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ("_ingested_at", "_ingest_date", "_run_id")
pytestmark = pytest.mark.e2e


def _submit(
    config: Config, env: dict[str, str], log: Path, crash_at: str | None = None
) -> subprocess.Popen:
    extra = {"SCOUT_CRASH_AT": crash_at} if crash_at else {}
    with log.open("w") as out:
        return subprocess.Popen(
            [
                str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / "bronze_ingest.py"),
                "--env", "local", "--dataset", "transactions",
                "--set", f"source.root={config.source.root}",
                "--set", f"lake.root={config.lake.root}",
            ],
            env={**os.environ, **env, **extra}, start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


def _kill_when_data_files_appear(proc: subprocess.Popen, table: Path, timeout: float) -> bool:
    """SIGKILL the run's process group once data files exist but no commit does."""
    first_commit = table / "_delta_log" / f"{0:020d}.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if not first_commit.exists() and any(table.glob("_ingest_date=*/*.parquet")):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return not first_commit.exists()
        time.sleep(0.01)
    return False


def _stable(df: DataFrame) -> DataFrame:
    return df.drop(*VOLATILE)


def _assert_same_rows(left: DataFrame, right: DataFrame) -> None:
    """Equal row counts and `exceptAll` empty both ways, all from one Spark job.

    Rows are matched by position as `exceptAll` matches them; per distinct row, `l` and `r`
    count its copies on each side, so `left.exceptAll(right)` holds max(l - r, 0) of them.
    """
    tagged = left.select("*", F.lit(1).alias("_l"), F.lit(0).alias("_r")).union(
        right.select("*", F.lit(0).alias("_l"), F.lit(1).alias("_r"))
    )
    copies = tagged.groupBy(*left.columns).agg(F.sum("_l").alias("l"), F.sum("_r").alias("r"))
    extra = {"left": F.col("l") - F.col("r"), "right": F.col("r") - F.col("l")}
    totals = copies.agg(
        F.coalesce(F.sum("l"), F.lit(0)).alias("left_count"),
        F.coalesce(F.sum("r"), F.lit(0)).alias("right_count"),
        *[
            F.coalesce(F.sum(F.greatest(c, F.lit(0))), F.lit(0)).alias(f"only_{side}")
            for side, c in extra.items()
        ],
    ).first()
    assert totals is not None
    assert totals["left_count"] == totals["right_count"]
    assert totals["only_left"] == 0 and totals["only_right"] == 0


POINTS = ("bronze.after_plan", "during_write", "bronze.after_data_commit")


@dataclass(frozen=True)
class Crash:
    """One bronze spark-submit over the landing, SIGKILLed at `point`, and its lake."""

    config: Config
    returncode: int | None
    killed_mid_write: bool  # during_write: killed with data files written and no commit
    output: str


def _crash(landing: Config, root: Path, env: dict[str, str], point: str) -> Crash:
    crashed = dataclasses.replace(
        landing, lake=dataclasses.replace(landing.lake, root=(root / "lake").as_uri() + "/")
    )
    root.mkdir()
    log = root / "spark-submit.log"
    proc = _submit(crashed, env, log, crash_at=None if point == "during_write" else point)
    try:
        if point == "during_write":
            table = root / "lake" / "bronze" / "transactions"
            killed = _kill_when_data_files_appear(proc, table, timeout=600)
        else:
            proc.wait(timeout=600)
            killed = False
    finally:
        if proc.poll() is None:  # not killed as planned: do not leave it running
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return Crash(crashed, proc.returncode, killed, log.read_text())


@dataclass(frozen=True)
class Landed:
    reference: Config  # the landing and its uninterrupted bronze
    crashes: dict[str, Crash]


@pytest.fixture(scope="module")
def landed(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Landed:
    """One landing (large enough for a write to take a while), its uninterrupted bronze, and
    one killed bronze spark-submit per crash point.

    The killed runs are separate processes with lakes of their own: they run alongside each
    other and the in-process uninterrupted run, and each test reruns one of them.
    """
    root = tmp_path_factory.mktemp("crash")
    config = dataclasses.replace(
        test_config,
        source=dataclasses.replace(test_config.source, root=(root / "landing").as_uri() + "/"),
        lake=dataclasses.replace(test_config.lake, root=(root / "reference").as_uri() + "/"),
    )
    options = [
        "--layout",
        "hive",
        "--days",
        "3",
        "--transactions-per-day",
        "20000",
        "--faults",
        "none",
    ]
    assert generate(["--dest", str(root / "landing"), *options]) == 0
    with ThreadPoolExecutor(max_workers=len(POINTS)) as pool:
        running = {
            point: pool.submit(_crash, config, root / f"crashed-{n}", services_env, point)
            for n, point in enumerate(POINTS)
        }
        assert invoke(spark, config, "bronze", dataset="transactions").status == "succeeded"
        crashes = {point: future.result() for point, future in running.items()}
    return Landed(config, crashes)


@pytest.mark.parametrize("point", POINTS)
def test_bronze_killed_then_rerun_equals_uninterrupted(
    spark: SparkSession, landed: Landed, point: str
) -> None:
    crash = landed.crashes[point]
    if point == "during_write":
        assert crash.killed_mid_write, "not killed mid-write"
    else:
        assert crash.returncode == -signal.SIGKILL, crash.output
    crashed = crash.config

    # The rerun needs no process of its own: in this session it meets the dead run's lock
    # and its unfinished batch, as a scheduled rerun would.
    rerun = invoke(spark, crashed, "bronze", dataset="transactions")
    assert rerun.status == "succeeded"
    assert "replayed unfinished batch" in rerun.summary
    read = spark.read.format("delta")
    _assert_same_rows(
        _stable(read.load(crashed.lake_path("bronze", "transactions"))),
        _stable(read.load(landed.reference.lake_path("bronze", "transactions"))),
    )
    state = read.load(crashed.lake_path("bronze", "_state", "transactions_files"))
    assert (
        state.where("status = 'ingested'").groupBy("file_path").count().where("count > 1").count()
        == 0
    )
