"""The pipeline as a Spark Connect client (no JVM in the job's process) equals the classic run."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession

from scout_lab.services import connect
from scout_lab.services.state import free_port
from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.runtime.jvm import NO_DELTA

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
# Publish over Connect is the publish-over-Connect change's part (#22): up to platinum here.
STAGES = ("bronze", "silver", "gold", "platinum")
GOLD = ("transactions", "transaction_items", "daily_store_sales", "daily_category_sales",
        "hourly_sales", "payment_mix")  # fmt: skip


def _client_env(remote: str, services_env: dict[str, str]) -> dict[str, str]:
    """The job's environment: SPARK_REMOTE, and no Java, so starting a JVM would fail."""
    env = {**os.environ, **services_env, "SPARK_REMOTE": remote}
    env |= {"JAVA_HOME": "/nonexistent-no-jvm", "PATH": str(Path(sys.executable).parent)}
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _job(name: str, options: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "jobs" / name), *options],
        capture_output=True, text=True, timeout=1500, env=env, check=False, cwd=ROOT,
    )  # fmt: skip


def _stable(df: DataFrame) -> DataFrame:
    """The table without what differs between runs (run ids, build and ingest times)."""
    keep = [c for c in df.columns if "run_id" not in c and not c.endswith("_at")]
    return df.select(*sorted(keep))


def test_pipeline_over_connect_equals_classic(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    connect_remote: str,
    e2e_landing: Path,
    tmp_path: Path,
) -> None:
    settings = [f"source.root={e2e_landing}/", f"lake.root={tmp_path / 'connect_lake'}/",
                "spark.shuffle_partitions=2"]  # fmt: skip
    options = ["--env", "local", *[i for s in settings for i in ("--set", s)]]
    env = _client_env(connect_remote, services_env)

    result = _job("run_pipeline.py", [*options, "--to-stage", STAGES[-1], "--run-id", "cx"], env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    for number, stage in enumerate(STAGES, start=1):
        assert f"scout run_pipeline: [{number}/{len(STAGES)}] {stage}" in output
        assert f"scout {stage}: succeeded in " in output

    classic = _classic_lake(spark, test_config, e2e_landing, tmp_path / "classic_lake")
    for table in GOLD:
        over_connect = _stable(
            spark.read.format("delta").load(f"{tmp_path}/connect_lake/gold/{table}")
        )
        in_classic = _stable(spark.read.format("delta").load(f"{classic}/gold/{table}"))
        assert over_connect.count() == in_classic.count() > 0, table
        assert over_connect.exceptAll(in_classic).count() == 0, table
        assert in_classic.exceptAll(over_connect).count() == 0, table
        cdf = spark.sql(f"SHOW TBLPROPERTIES delta.`{tmp_path}/connect_lake/gold/{table}`")
        assert {r["key"]: r["value"] for r in cdf.collect()}["delta.enableChangeDataFeed"] == "true"


def _classic_lake(spark: SparkSession, config: Config, landing: Path, lake: Path) -> Path:
    """The same landing through the same stages in this (classic) session."""
    classic = dataclasses.replace(
        config,
        source=dataclasses.replace(config.source, root=landing.as_uri() + "/"),
        lake=dataclasses.replace(config.lake, root=lake.as_uri() + "/"),
    )
    for stage in STAGES:
        assert invoke(spark, classic, stage).status == "succeeded", stage
    return lake


def test_job_against_a_server_without_delta_exits_1_with_one_line(
    services_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "plain_server"  # a state folder of its own: the shared server stays
    state.mkdir()
    port = free_port()
    monkeypatch.setenv(connect.PORT_ENV, str(port))
    try:
        server = connect.start(state, delta=False)
        assert server.is_running, server.describe()
        options = ["--env", "local", "--set", f"lake.root={tmp_path / 'lake'}/",
                   "--set", f"source.root={tmp_path / 'landing'}/"]  # fmt: skip
        result = _job("bronze_ingest.py", options, _client_env(connect.remote(port), services_env))
    finally:
        connect.stop(state)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-2000:]
    lines = [ln for ln in output.splitlines() if ln.strip()]
    assert len(lines) == 1, output[-2000:]
    assert lines == [f"scout bronze: error: {NO_DELTA}"]
