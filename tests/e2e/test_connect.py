"""Every job as a Spark Connect client (no JVM in the job's process): the pipeline's lake and
dashboard equal the classic run's; maintain, report, doctor and rollback run too."""

import os
import sys
import uuid
from pathlib import Path

import pytest
from dashboard import drop_schema, schema_state
from pipeline_run import (
    ROOT,
    PipelineRun,
    assert_every_stage_succeeded,
    run,
    run_options,
    started,
)
from pyspark.sql import DataFrame, SparkSession

from scout_lab.services import connect
from scout_lab.services.state import free_port
from scout_spark.config import Config
from scout_spark.publish.tables import PUBLISH_TABLES
from scout_spark.runtime.jvm import NO_DELTA
from scout_spark.schemas import DATASETS

pytestmark = pytest.mark.e2e
# Every table the dashboard reads (publish/tables.py).
COMPARED = tuple(t.lake_name for t in PUBLISH_TABLES)


def _client_env(remote: str, services_env: dict[str, str]) -> dict[str, str]:
    """The job's environment: SPARK_REMOTE, and no Java, so starting a JVM would fail."""
    env = {**os.environ, **services_env, "SPARK_REMOTE": remote}
    env |= {"JAVA_HOME": "/nonexistent-no-jvm", "PATH": str(Path(sys.executable).parent)}
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _job(name: str, options: list[str], env: dict[str, str]) -> str:
    """jobs/<name> over Connect; its output, once it exited 0 without a traceback."""
    result = run([sys.executable, str(ROOT / "jobs" / name), *options], env, timeout=1500)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{name}: {output[-3000:]}"
    assert "Traceback" not in output, f"{name}: {output[-3000:]}"
    return output


def _stable(df: DataFrame) -> DataFrame:
    """The table without what differs between runs (run ids, build and ingest times)."""
    keep = [c for c in df.columns if "run_id" not in c and not c.endswith("_at")]
    return df.select(*sorted(keep))


def _assert_same_tables(spark: SparkSession, lake: Path, classic: Path) -> None:
    for table in COMPARED:
        over_connect = _stable(spark.read.format("delta").load(f"{lake}/{table}"))
        in_classic = _stable(spark.read.format("delta").load(f"{classic}/{table}"))
        assert over_connect.count() == in_classic.count() > 0, table
        assert over_connect.exceptAll(in_classic).isEmpty(), table
        assert in_classic.exceptAll(over_connect).isEmpty(), table
        cdf = spark.sql(f"SHOW TBLPROPERTIES delta.`{lake}/{table}`")
        assert {r["key"]: r["value"] for r in cdf.collect()}["delta.enableChangeDataFeed"] == "true"


def test_every_job_over_connect_matches_the_classic_run(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    connect_remote: str,
    classic_run: PipelineRun,
    e2e_landing: Path,
    tmp_path: Path,
) -> None:
    assert classic_run.result.returncode == 0, classic_run.output[-3000:]
    lake, schema = tmp_path / "connect_lake", f"e2e_cx_{uuid.uuid4().hex[:8]}"
    options = run_options(e2e_landing, lake, schema)
    env = _client_env(connect_remote, services_env)
    try:
        assert_every_stage_succeeded(_job("run_pipeline.py", [*options, "--run-id", "cx"], env))
        _assert_same_tables(spark, lake, classic_run.lake)
        published = schema_state(test_config, schema)
        assert published == schema_state(test_config, classic_run.schema)
        assert any(not state.startswith("0/") for state in published)

        maintained = _job("maintain.py", options, env)  # compacts: every row stays
        assert "with no file older than their retention" in maintained  # nothing to vacuum
        _assert_same_tables(spark, lake, classic_run.lake)
        assert "[FAIL]" not in _job("doctor.py", options, env)
        page = tmp_path / "report.html"
        _job("report.py", [*options, "--output", str(page)], env)
        assert "<html" in page.read_text()[:2000].lower()

        # Undo the pipeline run (and maintain's commits after it): every table it created
        # is empty again, and so is the dashboard, republished in full.
        _job("rollback.py", [*options, "--run-id", "cx", "--force"], env)
        gold = spark.read.format("delta").load(f"{lake}/gold/transactions")
        assert gold.isEmpty()
        assert all(state.startswith("0/") for state in schema_state(test_config, schema))
    finally:
        drop_schema(test_config, schema)


def test_two_connect_clients_take_the_lock_in_turn(
    spark: SparkSession,
    services_env: dict[str, str],
    connect_remote: str,
    classic_run: PipelineRun,
    e2e_landing: Path,
    tmp_path: Path,
) -> None:
    """Two bronze jobs at once over Connect on one lake: the lock (lake/lock_store.py: a
    local file here, S3 conditional writes on a bucket; no Hadoop FileSystem) lets one in
    at a time, the other waits, and each file's rows land once."""
    lake = tmp_path / "lake"
    options = [*run_options(e2e_landing, lake, "unused"), "--set", "lake.lock_wait_seconds=900"]
    env = _client_env(connect_remote, services_env)
    job = [sys.executable, str(ROOT / "jobs" / "bronze_ingest.py"), *options]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with started(job, env, logs[0]) as first, started(job, env, logs[1]) as second:
        codes = (first.wait(timeout=1500), second.wait(timeout=1500))
    outputs = [log.read_text() for log in logs]
    assert codes == (0, 0), outputs
    # Each dataset has a lock of its own (bronze_<dataset>): a job waits for those the
    # other holds, then finds their files ingested.
    assert any("waiting for bronze_" in out for out in outputs), outputs
    for table in DATASETS:
        ours = spark.read.format("delta").load(f"{lake}/bronze/{table}")
        theirs = spark.read.format("delta").load(f"{classic_run.lake}/bronze/{table}")
        assert ours.count() == theirs.count() > 0, table


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
        env = _client_env(connect.remote(port), services_env)
        result = run([sys.executable, str(ROOT / "jobs" / "bronze_ingest.py"), *options], env)
    finally:
        connect.stop(state)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-2000:]
    lines = [ln for ln in output.splitlines() if ln.strip()]
    assert len(lines) == 1, output[-2000:]
    assert lines == [f"scout bronze: error: {NO_DELTA}"]
