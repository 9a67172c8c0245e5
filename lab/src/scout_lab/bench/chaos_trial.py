"""One chaos trial: a stage's spark-submit SIGKILLed (its whole process group) at a chosen
moment, rerun to the end, and its lake and dashboard compared with an uninterrupted run."""

import dataclasses
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import SparkSession

from scout_lab.bench.chaos_compare import (
    Comparison,
    compare,
    dashboard_rows,
    delta_tables,
    lake_state,
)
from scout_lab.bench.chaos_prepare import RUN2, Prepared, run_in_process
from scout_lab.bench.chaos_state import World, copy_world
from scout_lab.services import load_services_env

ROOT = Path(__file__).resolve().parents[4]
JOBS = {
    "bronze": "bronze_ingest.py", "silver": "silver_transform.py", "gold": "gold_build.py",
    "platinum": "platinum_build.py", "publish": "publish_postgres.py",
    "rollback": "rollback.py", "maintain": "maintain.py", "pipeline": "run_pipeline.py",
}  # fmt: skip
RUN_TIMEOUT_S = 3600.0


def stage_arguments(stage: str, run_id: str) -> list[str]:
    """A stage's own options: rollback rolls back run 2 (and names its own run id)."""
    return ["--run-id", RUN2] if stage == "rollback" else ["--run-id", run_id]


def job_command(stage: str, where: World, run_id: str) -> list[str]:
    sets = [arg for item in where.overrides() for arg in ("--set", item)]
    return [
        str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / JOBS[stage]),
        "--env", where.config.env, *sets, *stage_arguments(stage, run_id),
    ]  # fmt: skip


def child_env() -> dict[str, str]:
    """The local services' env, and this checkout's code first on the job's path."""
    env = {**os.environ, **load_services_env()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


@dataclass(frozen=True)
class Run:
    """One spark-submit: exit code (negative: the signal), seconds, killed by us or not."""

    returncode: int | None
    seconds: float
    killed: bool
    log: Path


def _ledger_commits(where: World) -> int:
    return len(list((where.lake / "_ops" / "run_ledger" / "_delta_log").glob("*.json")))


def start(command: list[str], log: Path) -> subprocess.Popen:
    """The command in a process group of its own, output to `log`."""
    with log.open("w") as out:
        return subprocess.Popen(
            command, env=child_env(), start_new_session=True,
            stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


def kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def submit(
    command: list[str], log: Path, kill_at: float | None = None, after: World | None = None
) -> Run:
    """Run `command`; SIGKILL its group `kill_at` seconds after it started, or, with `after`,
    after the stage began (its `running` row in `after`'s run ledger)."""
    base = _ledger_commits(after) if after else 0
    started = time.monotonic()
    proc = start(command, log)
    anchor = None if after else started
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if anchor is None and _ledger_commits(after) > base:  # type: ignore[arg-type]
                anchor = now
            if kill_at is not None and anchor is not None and now - anchor >= kill_at:
                kill_group(proc)
                return Run(proc.returncode, time.monotonic() - started, True, log)
            if now - started > RUN_TIMEOUT_S:
                raise TimeoutError(f"{command[1]} ran over {RUN_TIMEOUT_S:.0f}s; see {log}")
            time.sleep(0.05)
    finally:
        kill_group(proc)  # never leave a run behind
    return Run(proc.returncode, time.monotonic() - started, False, log)


def state_of(spark: SparkSession, where: World, origin: World | None = None) -> dict[str, Counter]:
    """Every lake table and every dashboard table of a world, as multisets of rows, the
    locations in them relative to its lake (and to `origin`'s: a copy of a prepared state
    keeps the locations the runs wrote there)."""
    roots = tuple(w.config.lake.root.rstrip("/") for w in (where, origin) if w is not None)
    return lake_state(spark, delta_tables(where.lake), roots) | dashboard_rows(where.config, roots)


@dataclass(frozen=True)
class Reference:
    world: World
    seconds: float
    state: dict[str, Counter]
    origin: World | None = None  # where the prepared states were built (prepared_reference)


def _in_process(spark: SparkSession, stage: str, where: World, run_id: str, log: Path) -> Run:
    started = time.monotonic()
    code = run_in_process(spark, where.config, stage, run_id)
    return Run(code, time.monotonic() - started, False, log)


def reference(
    spark: SparkSession, stage: str, prepared: World, folder: Path, in_process: bool = False
) -> Reference:
    """The stage run uninterrupted from a copy of its prepared state, timed (in this
    session with `in_process`: then the time is the stage's own, without a JVM start)."""
    where = copy_world(prepared, folder)
    log, run_id = folder / "run.log", f"chaos-ref-{stage}"
    run = (
        _in_process(spark, stage, where, run_id, log)
        if in_process
        else submit(job_command(stage, where, run_id), log)
    )
    if run.returncode != 0:
        raise RuntimeError(f"reference {stage} exited {run.returncode}; see {run.log}")
    return Reference(where, run.seconds, state_of(spark, where))


def prepared_reference(spark: SparkSession, prepared: Prepared, stage: str) -> Reference | None:
    """Run 2's own run of `stage` while the states were prepared, as an uninterrupted run
    from its prepared state: the state it left (read in place: never changed or dropped)
    and its seconds. None for a stage without one (maintain; rollback unless
    chaos_prepare.with_rollback ran it)."""
    after = prepared.after(stage)
    if after is None or stage not in prepared.seconds:
        return None
    state = state_of(spark, after, prepared.running)
    return Reference(after, prepared.seconds[stage], state, prepared.running)


def kill_moment(seed: int, stage: str, trial: int, seconds: float) -> float:
    """The trial's kill moment in [0, seconds], from the run's seed alone."""
    return round(random.Random(f"{seed}:{stage}:{trial}").uniform(0, seconds), 2)


@dataclass(frozen=True)
class TrialResult:
    stage: str
    trial: int
    world: World
    kill_at: float
    killed: Run
    rerun: Run
    comparison: Comparison

    earlier: tuple["TrialResult", ...] = ()  # attempts whose run ended before its moment

    @property
    def equal(self) -> bool:
        own = self.rerun.returncode == 0 and self.comparison.equal
        return own and all(e.equal for e in self.earlier)


ATTEMPTS = 3  # per trial, while its run ends before the kill moment


def until_killed(
    attempt: Callable[[float, str], TrialResult], seed: int, stage: str, number: int,
    seconds: float,
) -> TrialResult:  # fmt: skip
    """One trial: `attempt(kill_at, suffix)` at the seed's moment in [0, seconds]; when
    that run ended before its moment (the machine ran faster than the reference), again
    at a moment drawn inside that run's own time, up to ATTEMPTS in all. The last attempt,
    the earlier ones in its `earlier` (they count: each was rerun and compared too)."""
    kill_at, earlier = kill_moment(seed, stage, number, seconds), []
    result = attempt(kill_at, "")
    while not result.killed.killed and len(earlier) < ATTEMPTS - 1:
        earlier.append(result)
        again = len(earlier)
        kill_at = kill_moment(seed, f"{stage}:again{again}", number, result.killed.seconds)
        result = attempt(kill_at, f"-again{again}")
    return dataclasses.replace(result, earlier=tuple(earlier))


@dataclass(frozen=True)
class Killed:
    """A copy of the prepared state and the killed run that left it as it is."""

    stage: str
    number: int
    world: World
    kill_at: float
    run: Run


def kill(
    stage: str, prepared: World, folder: Path, kill_at: float, number: int = 0,
    from_stage_start: bool = False,
) -> Killed:  # fmt: skip
    """SIGKILL the stage's spark-submit `kill_at` seconds after it started (or, with
    `from_stage_start`, after the stage began: its ledger row), on a copy of `prepared`."""
    where = copy_world(prepared, folder)
    command = job_command(stage, where, f"chaos-kill-{stage}-{number}")
    after = where if from_stage_start else None
    run = submit(command, folder / "killed.log", kill_at=kill_at, after=after)
    return Killed(stage, number, where, kill_at, run)


def finish(
    spark: SparkSession, killed: Killed, ref: Reference, in_process: bool = False
) -> TrialResult:
    """Rerun the killed stage to its end (spark-submit, or in this session as a scheduled
    retry in the same driver would), then compare the world with `ref`."""
    stage, where = killed.stage, killed.world
    run_id, log = f"chaos-rerun-{stage}-{killed.number}", where.folder / "rerun.log"
    rerun = (
        _in_process(spark, stage, where, run_id, log)
        if in_process
        else submit(job_command(stage, where, run_id), log)
    )
    comparison = compare(ref.state, state_of(spark, where, ref.origin))
    return TrialResult(stage, killed.number, where, killed.kill_at, killed.run, rerun, comparison)


def trial(
    spark: SparkSession, stage: str, prepared: World, ref: Reference, folder: Path, kill_at: float,
    number: int = 0, rerun_in_process: bool = True,
) -> TrialResult:  # fmt: skip
    """Kill the stage `kill_at` seconds after its spark-submit started, rerun it (in this
    session, as a retry in a running driver would, or as a spark-submit), compare with
    `ref`."""
    killed = kill(stage, prepared, folder, kill_at, number)
    return finish(spark, killed, ref, in_process=rerun_in_process)
