"""The one incremental planner of the stages that rebuild dates from their inputs (gold,
platinum): which dates a run rebuilds, and why.

In order: a requested date range; --full-refresh; a first build (outputs missing, or no
checkpoint of the key input yet); an input rebuilt since it was consumed (its version
went back); nothing changed; else the dates the inputs' change feed touches, or every
date when that feed cannot be read (vacuumed, or written without the change feed).
Each stage supplies only "which dates does a change touch".
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from pyspark.errors import AnalysisException

from scout_spark.errors import error_line
from scout_spark.pipelines.build_options import BuildOptions

INCREMENTAL, FULL_REFRESH, DATE_RANGE = "incremental", "full_refresh", "date_range"


@dataclass(frozen=True)
class Plan:
    """A run's mode, the dates it rebuilds (None: every date; []: none) and why."""

    mode: str
    dates: list[date] | None
    why: str


def plan_rebuild(
    options: BuildOptions,
    *,
    built: bool,
    key_input: str,
    versions: Mapping[str, int | None],
    done: Mapping[str, int],
    changed_dates: Callable[[], list[date]],
) -> Plan:
    """The plan for inputs now at `versions`, consumed up to `done` by the last run."""
    requested = options.dates
    if requested is not None:
        return Plan(DATE_RANGE, requested, f"{requested[0]}..{requested[-1]} requested")
    if options.full_refresh:
        return Plan(FULL_REFRESH, None, "requested")
    if not built:
        return Plan(FULL_REFRESH, None, "first build")
    if key_input not in done:
        return Plan(FULL_REFRESH, None, "no checkpoint yet")
    rebuilt = [n for n, v in done.items() if versions.get(n) is None or versions[n] < v]
    if rebuilt:
        return Plan(FULL_REFRESH, None, f"{rebuilt[0]} was rebuilt")
    if all(done.get(name) == version for name, version in versions.items()):
        return Plan(INCREMENTAL, [], "inputs unchanged")
    try:
        dates = changed_dates()
    except AnalysisException as exc:
        return Plan(FULL_REFRESH, None, f"change feed unreadable ({error_line(exc)})")
    return Plan(INCREMENTAL, dates, f"{len(dates)} dates changed")
