"""A chaos trial whose run ends before its kill moment is tried again inside that run's time."""

import dataclasses
from pathlib import Path

from scout_lab.bench.chaos_compare import Comparison, TableDiff
from scout_lab.bench.chaos_concurrent import Twin, TwoRuns
from scout_lab.bench.chaos_report import stage_row, trial_json, two_runs_json
from scout_lab.bench.chaos_trial import ATTEMPTS, Run, TrialResult, kill_moment, until_killed

LOG = Path("run.log")


def _result(kill_at: float, ends_after: float, lost: int = 0) -> TrialResult:
    killed = kill_at < ends_after
    run = Run(-9 if killed else 0, kill_at if killed else ends_after, killed, LOG)
    table = TableDiff(reference_rows=10, rows=10 - lost, lost=lost)
    return TrialResult("gold", 0, None, kill_at, run, Run(0, 5.0, False, LOG),  # type: ignore[arg-type]
                       Comparison({"gold/transactions": table}))  # fmt: skip


def test_a_run_that_ends_before_its_moment_is_killed_again_inside_its_own_time() -> None:
    moments: list[tuple[float, str]] = []

    def attempt(kill_at: float, suffix: str) -> TrialResult:
        moments.append((kill_at, suffix))
        return _result(kill_at, ends_after=2.0 if len(moments) == 1 else 60.0)

    first = kill_moment(7, "gold", 3, 100.0)
    assert first > 2.0  # this seed's first moment comes after the first run's end
    result = until_killed(attempt, 7, "gold", 3, 100.0)

    assert [s for _, s in moments] == ["", "-again1"]
    assert moments[0][0] == first
    assert moments[1][0] == kill_moment(7, "gold:again1", 3, 2.0) <= 2.0
    assert result.killed.killed and result.kill_at == moments[1][0]
    assert len(result.earlier) == 1 and not result.earlier[0].killed.killed


def test_attempts_stop_at_the_limit_and_every_attempt_counts() -> None:
    calls: list[str] = []

    def attempt(kill_at: float, suffix: str) -> TrialResult:
        calls.append(suffix)
        return _result(kill_at, ends_after=0.0, lost=1 if suffix == "" else 0)  # never killed

    result = until_killed(attempt, 1, "gold", 0, 50.0)

    assert len(calls) == ATTEMPTS
    assert not result.killed.killed and len(result.earlier) == ATTEMPTS - 1
    assert not result.equal  # the first attempt lost a row
    row = stage_row("gold", [result, dataclasses.replace(_result(1.0, 9.0))])
    assert (row["trials"], row["killed"], row["equal"], row["rows lost"]) == (2, 1, 1, 1)


def test_the_figures_carry_a_trials_earlier_attempts_and_the_two_runs() -> None:
    first = _result(80.0, ends_after=40.0)
    last = dataclasses.replace(_result(10.0, ends_after=40.0), earlier=(first,))
    figures = trial_json(last)
    assert figures["killed"]["killed"] and figures["kill_at_s"] == 10.0
    assert [e["kill_at_s"] for e in figures["earlier_attempts"]] == [80.0]
    assert figures["earlier_attempts"][0]["earlier_attempts"] == []

    twin = Twin(0, waited=True, named_holder=False, log=LOG)
    two = two_runs_json(TwoRuns("local", (twin, twin), Comparison()))
    assert (two["equal"], two["orderly"], len(two["twins"])) == (1, True, 2)
