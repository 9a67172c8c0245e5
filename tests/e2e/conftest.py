"""End-to-end fixtures: one generated landing shared by the runs, the classic pipeline run
over it (a real spark-submit), a local Connect server."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard import drop_schema
from pipeline_run import ROOT, PipelineRun, run, run_options

from scout_lab import services
from scout_lab.sample.cli import main as generate
from scout_spark.config import Config

# Small and fault-free: every stage has rows, the runs stay within the suite's time.
LANDING_ARGS = ("--days", "2", "--transactions-per-day", "40", "--stores", "5",
                "--customers", "20", "--faults", "none", "--seed", "3")  # fmt: skip


@pytest.fixture(scope="session")
def e2e_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated landing zone the end-to-end runs read (read-only: runs never move files)."""
    landing = tmp_path_factory.mktemp("e2e") / "landing"
    generate(["--dest", str(landing), *LANDING_ARGS])
    return landing


@pytest.fixture(scope="session")
def classic_run(
    test_config: Config,
    services_env: dict[str, str],
    e2e_landing: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PipelineRun]:
    """Every stage by `scripts/spark-submit jobs/run_pipeline.py --run-id e2e`, once per
    session: test_run_pipeline checks it, test_connect compares the Connect run with it."""
    lake, schema = tmp_path_factory.mktemp("e2e_classic") / "lake", f"e2e_{uuid.uuid4().hex[:10]}"
    options = run_options(e2e_landing, lake, schema)
    job = [str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / "run_pipeline.py")]
    result = run([*job, *options, "--run-id", "e2e"], services_env)
    yield PipelineRun(lake, schema, options, result)
    drop_schema(test_config, schema)


@pytest.fixture(scope="session")
def connect_remote(services_env: dict[str, str]) -> Iterator[str]:
    """sc://127.0.0.1:PORT of the local Spark Connect server (started when not running).

    Never skipped: a server that cannot start fails the tests that need it. One this
    fixture started is stopped at the end; one that was running is left running.
    """
    was_running = services.status([services.connect.NAME])[services.connect.NAME].is_running
    started = services.start_all([services.connect.NAME])[services.connect.NAME]
    assert started.is_running and started.endpoint, started.describe()
    yield started.endpoint
    if not was_running:
        services.stop_all([services.connect.NAME])
