"""Crash safety: a bronze spark-submit SIGKILLed mid-run, then rerun, equals an uninterrupted run."""

import dataclasses
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession

from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.sample.cli import main as generate

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ("_ingested_at", "_ingest_date", "_run_id")
pytestmark = pytest.mark.e2e


def _submit(config: Config, env: dict[str, str], crash_at: str | None = None) -> subprocess.Popen:
    extra = {"SCOUT_CRASH_AT": crash_at} if crash_at else {}
    return subprocess.Popen(
        [
            str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / "bronze_ingest.py"),
            "--env", "local", "--dataset", "transactions",
            "--set", f"source.root={config.source.root}", "--set", f"lake.root={config.lake.root}",
        ],
        env={**os.environ, **env, **extra}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
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
    assert left.count() == right.count()
    assert left.exceptAll(right).count() == 0 and right.exceptAll(left).count() == 0


@pytest.fixture(scope="module")
def landed(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Config:
    """One landing (large enough for a write to take a while) and its uninterrupted bronze."""
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
    assert invoke(spark, config, "bronze", dataset="transactions").status == "succeeded"
    return config


@pytest.mark.parametrize("point", ["bronze.after_plan", "during_write", "bronze.after_data_commit"])
def test_bronze_killed_then_rerun_equals_uninterrupted(
    spark: SparkSession, landed: Config, services_env: dict[str, str], tmp_path: Path, point: str
) -> None:
    crashed = dataclasses.replace(
        landed, lake=dataclasses.replace(landed.lake, root=(tmp_path / "crashed").as_uri() + "/")
    )
    table = tmp_path / "crashed" / "bronze" / "transactions"
    if point == "during_write":
        proc = _submit(crashed, services_env)
        assert _kill_when_data_files_appear(proc, table, timeout=240), "not killed mid-write"
    else:
        proc = _submit(crashed, services_env, crash_at=point)
        proc.wait(timeout=300)
        assert proc.returncode == -signal.SIGKILL, proc.stdout.read() if proc.stdout else ""

    # The rerun needs no process of its own: in this session it meets the dead run's lock
    # and its unfinished batch, as a scheduled rerun would.
    rerun = invoke(spark, crashed, "bronze", dataset="transactions")
    assert rerun.status == "succeeded"
    assert "replayed unfinished batch" in rerun.summary
    read = spark.read.format("delta")
    _assert_same_rows(
        _stable(read.load(crashed.lake_path("bronze", "transactions"))),
        _stable(read.load(landed.lake_path("bronze", "transactions"))),
    )
    state = read.load(crashed.lake_path("bronze", "_state", "transactions_files"))
    assert (
        state.where("status = 'ingested'").groupBy("file_path").count().where("count > 1").count()
        == 0
    )
