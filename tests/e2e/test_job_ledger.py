"""Jobs through a real spark-submit: a ledger row on success and on failure, exit codes."""

import os
import socket
import subprocess
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _submit(job: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / job), *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, **env}, check=False,
    )  # fmt: skip


def _ledger(spark: SparkSession, lake: Path, run_id: str) -> list[tuple]:
    ledger_df = spark.read.format("delta").load(str(lake / "_ops" / "run_ledger"))
    return [
        tuple(r)
        for r in ledger_df.filter(F.col("run_id") == run_id)
        .orderBy("recorded_at")
        .select("stage", "status", "env", "error_message")
        .collect()
    ]


def test_doctor_job_success_and_failure_write_ledger_rows(
    spark: SparkSession, test_config: Config, services_env: dict[str, str], tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    common = ["--env", "local", "--set", f"lake.root={lake}/", "--set", f"source.root={tmp_path}/"]

    ok = _submit("doctor.py", *common, "--run-id", "doctor-ok", env=services_env)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert "[ok]   postgres" in ok.stdout and "[ok]   lake" in ok.stdout
    assert _ledger(spark, lake, "doctor-ok") == [
        ("doctor", "running", "local", None),
        ("doctor", "succeeded", "local", None),
    ]

    bad_port = ["--set", f"postgres.port={_closed_port()}"]
    failed = _submit("doctor.py", *common, *bad_port, "--run-id", "doctor-bad", env=services_env)
    assert failed.returncode == 1
    assert "[FAIL] postgres" in failed.stdout
    # spark-submit's PythonRunner merges the driver's stderr into stdout.
    output = failed.stdout + failed.stderr
    assert "scout doctor: failed after" in output
    assert "Traceback" not in output and "\tat " not in output
    assert _ledger(spark, lake, "doctor-bad") == [
        ("doctor", "running", "local", None),
        ("doctor", "failed", "local", "1 of 5 checks failed: postgres"),
    ]
    assert services_env["SCOUT_PG_PASSWORD"] not in output


def test_job_with_bad_config_exits_2_with_one_line(services_env: dict[str, str]) -> None:
    result = _submit("doctor.py", "--env", "local", "--set", "spark.colour=red", env=services_env)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    lines = [ln for ln in output.splitlines() if ln.startswith("scout doctor:")]
    assert lines == ["scout doctor: error: --set spark.colour=red: unknown key 'spark.colour'"]
    assert "Traceback" not in output
