"""The chaos trial's moving parts: seeded kill moments, the job command, the group kill."""

import os
import time
from pathlib import Path

from scout_lab.bench.chaos_state import world
from scout_lab.bench.chaos_trial import job_command, kill_moment, submit
from scout_spark.config import load_config


def test_kill_moments_follow_the_seed_and_stay_inside_the_reference_run() -> None:
    moments = [kill_moment(15, "silver", n, 40.0) for n in range(20)]
    assert moments == [kill_moment(15, "silver", n, 40.0) for n in range(20)]
    assert all(0 <= m <= 40.0 for m in moments)
    assert len(set(moments)) == 20
    assert moments != [kill_moment(16, "silver", n, 40.0) for n in range(20)]


def test_the_job_command_points_every_place_at_the_trial(tmp_path: Path) -> None:
    where = world(load_config("local"), tmp_path / "t", tmp_path / "landing")
    command = job_command("gold", where, "chaos-kill-gold-0")
    assert command[1].endswith("jobs/gold_build.py")
    joined = " ".join(command)
    assert f"--set lake.root={(tmp_path / 't' / 'lake').as_uri()}/" in joined
    assert f"--set source.root={(tmp_path / 'landing').as_uri()}/" in joined
    assert f"--set postgres.schema={where.config.postgres.schema}" in joined
    assert command[-2:] == ["--run-id", "chaos-kill-gold-0"]
    # A rollback trial rolls back run 2, killed and rerun alike.
    assert job_command("rollback", where, "x")[-2:] == ["--run-id", "chaos-run2"]


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its new parent to reap it."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_the_whole_process_group_dies_at_the_kill_moment(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    run = submit(["bash", "-c", script], tmp_path / "log", kill_at=5.0)
    assert run.killed and run.returncode == -9
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 10  # a SIGKILLed process takes a moment to be gone
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_a_run_that_ends_first_is_not_killed(tmp_path: Path) -> None:
    run = submit(["bash", "-c", "exit 3"], tmp_path / "log", kill_at=30.0)
    assert not run.killed and run.returncode == 3
