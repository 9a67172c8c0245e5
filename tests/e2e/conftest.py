"""End-to-end fixtures: one generated landing shared by the runs, a local Connect server."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from scout_lab import services
from scout_lab.sample.cli import main as generate

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
