"""The chaos trial's moving parts: seeded kill moments, the job command, the group kill,
the prepared states."""

import dataclasses
import os
import time
from pathlib import Path

from scout_lab.bench.chaos_prepare import STAGES, Prepared
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


def test_a_work_folder_prepared_for_other_stages_is_prepared_again(
    tmp_path: Path, monkeypatch
) -> None:
    """One chaos run per stage over one --work folder: states saved for bronze and silver
    cannot start gold (a KeyError before); they are dropped and gold's are prepared."""
    from scout_lab.bench import chaos
    from scout_lab.bench.chaos_prepare import Prepared

    base = load_config("local")
    saved = world(base, tmp_path / "before-silver", tmp_path / "landing")
    events: list[str] = []
    fresh = Prepared(tmp_path / "landing", {"gold": saved}, saved)
    monkeypatch.setattr(chaos, "load", lambda *_: Prepared(saved.landing, {"silver": saved}, saved))
    monkeypatch.setattr(chaos, "drop_prepared", lambda p: events.append(f"drop {sorted(p.before)}"))
    monkeypatch.setattr(chaos, "prepare", lambda *a: events.append(f"prepare {a[4]}") or fresh)
    monkeypatch.setattr(chaos, "_stage", lambda _s, stage, start, *_: ({"stage": stage}, []))
    args = chaos._parser().parse_args(["--stages", "gold", "--no-two-runs", "--work", "w"])
    result = chaos.run_chaos(None, base, tmp_path, args)  # type: ignore[arg-type]
    assert events == ["drop ['silver']", "prepare ('gold',)"]
    assert result["rows"] == [{"stage": "gold"}]


def test_the_state_a_pipeline_stage_left_is_the_next_stages_prepared_one(tmp_path: Path) -> None:
    base = load_config("local")
    states = {s: world(base, tmp_path / s, tmp_path / "landing") for s in STAGES[:5]}
    after_run2 = world(base, tmp_path / "after-run2", tmp_path / "landing")
    prepared = Prepared(tmp_path / "landing", states | {"rollback": after_run2}, after_run2)
    assert prepared.after("bronze") is states["silver"]
    assert prepared.after("platinum") is states["publish"]
    assert prepared.after("publish") is after_run2
    assert prepared.after("rollback") is None and prepared.after("maintain") is None
    only_bronze = Prepared(tmp_path / "landing", {"bronze": states["bronze"]}, after_run2)
    assert only_bronze.after("bronze") is None  # silver's state was not saved
    rolled = world(base, tmp_path / "rolled-back", tmp_path / "landing")
    with_rollback = dataclasses.replace(prepared, rolled_back=rolled)
    assert with_rollback.after("rollback") is rolled and with_rollback.after("maintain") is None
