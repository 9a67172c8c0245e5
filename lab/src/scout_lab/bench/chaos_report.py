"""The chaos run's figures: one row per stage (and per two-runs-at-once case), as a
markdown table and as JSON-ready dicts with every differing table of every trial."""

from collections.abc import Sequence
from typing import Any

from scout_lab.bench.chaos_compare import Comparison
from scout_lab.bench.chaos_concurrent import TwoRuns
from scout_lab.bench.chaos_trial import Run, TrialResult

HEADER = (
    "stage", "trials", "killed", "equal", "rows lost", "rows duplicated", "rows extra",
    "failed reruns",
)  # fmt: skip


def _run(run: Run) -> dict[str, Any]:
    return {
        "returncode": run.returncode,
        "seconds": round(run.seconds, 2),
        "killed": run.killed,
        "log": str(run.log),
    }


def _differing(comparison: Comparison) -> dict[str, Any]:
    return {
        name: {
            "reference_rows": t.reference_rows,
            "rows": t.rows,
            "lost": t.lost,
            "duplicated": t.duplicated,
            "extra": t.extra,
        }
        for name, t in comparison.differing().items()
    }


def trial_json(result: TrialResult) -> dict[str, Any]:
    return {
        "trial": result.trial,
        "kill_at_s": result.kill_at,
        "killed": _run(result.killed),
        "rerun": _run(result.rerun),
        "equal": result.equal,
        "lost": result.comparison.total("lost"),
        "duplicated": result.comparison.total("duplicated"),
        "extra": result.comparison.total("extra"),
        "differing_tables": _differing(result.comparison),
        "earlier_attempts": [trial_json(e) for e in result.earlier],
    }


def _attempts(trials: Sequence[TrialResult]) -> list[TrialResult]:
    return [a for t in trials for a in (*t.earlier, t)]


def stage_row(stage: str, trials: Sequence[TrialResult]) -> dict[str, Any]:
    return {
        "stage": stage,
        "trials": len(trials),
        "killed": sum(t.killed.killed for t in trials),
        "equal": sum(t.equal for t in trials),
        "rows lost": sum(a.comparison.total("lost") for a in _attempts(trials)),
        "rows duplicated": sum(a.comparison.total("duplicated") for a in _attempts(trials)),
        "rows extra": sum(a.comparison.total("extra") for a in _attempts(trials)),
        "failed reruns": sum(a.rerun.returncode != 0 for a in _attempts(trials)),
    }


def two_runs_row(result: TwoRuns) -> dict[str, Any]:
    c = result.comparison
    return {
        "stage": f"two runs at once ({result.lake} lake)",
        "trials": 1,
        "killed": 0,
        "equal": int(result.equal),
        "rows lost": c.total("lost"),
        "rows duplicated": c.total("duplicated"),
        "rows extra": c.total("extra"),
        "failed reruns": sum(t.returncode != 0 and not t.named_holder for t in result.twins),
    }


def two_runs_json(result: TwoRuns) -> dict[str, Any]:
    return {
        **two_runs_row(result),
        "orderly": result.orderly,
        "twins": [
            {
                "returncode": t.returncode,
                "waited": t.waited,
                "named_holder": t.named_holder,
                "log": str(t.log),
            }
            for t in result.twins
        ],
        "differing_tables": _differing(result.comparison),
    }


def render(rows: Sequence[dict[str, Any]]) -> str:
    """The markdown table; the first column left-aligned, the figures right-aligned."""
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "| --- |" + " ---: |" * (len(HEADER) - 1),
    ]
    lines += ["| " + " | ".join(str(row[h]) for h in HEADER) + " |" for row in rows]
    return "\n".join(lines)
