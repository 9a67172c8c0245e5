"""The one incremental planner of the stages that derive tables from Delta inputs (silver
per bronze dataset, gold, platinum): what a run reads, and why.

In order: a requested date range; --full-refresh; a first build (outputs missing, or no
checkpoint of the key input yet); an input rebuilt since it was consumed (its version
went back); nothing changed; else the inputs' change feed, or a full refresh when that
feed cannot be read (vacuumed, or written without the change feed). A stage supplies only
how to read a change (silver: the rows; gold, platinum: the dates they touch).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from pyspark.errors import AnalysisException

from scout_spark.date_range import DateRange
from scout_spark.errors import error_line
from scout_spark.pipelines.build_options import BuildOptions

INCREMENTAL, FULL_REFRESH, DATE_RANGE = "incremental", "full_refresh", "date_range"
Change = TypeVar("Change")


@dataclass(frozen=True)
class Plan(Generic[Change]):
    """A run's mode and why; `changes` (incremental only) is what `read_changes` returned,
    None when the inputs are unchanged (or it found nothing); `dates` is the requested range
    (date_range)."""

    mode: str
    why: str
    changes: Change | None = None
    dates: DateRange | None = None

    @property
    def unchanged(self) -> bool:
        return self.mode == INCREMENTAL and self.changes is None


def plan_run(
    *,
    dates: DateRange | None,
    full_refresh: bool,
    built: bool,
    key_input: str,
    versions: Mapping[str, int | None],
    done: Mapping[str, int],
    read_changes: Callable[[], Change],
) -> Plan[Change]:
    """The plan for inputs now at `versions`, consumed up to `done` by the last run.

    `read_changes` must raise an unreadable feed's AnalysisException itself (run what it
    builds far enough that the scan is planned), so that the fallback can catch it.
    """
    if dates is not None:
        return Plan(DATE_RANGE, f"{dates} requested", dates=dates)
    if full_refresh:
        return Plan(FULL_REFRESH, "requested")
    if not built:
        return Plan(FULL_REFRESH, "first build")
    if key_input not in done:
        return Plan(FULL_REFRESH, "no checkpoint yet")
    rebuilt = [n for n, v in done.items() if versions.get(n) is None or versions[n] < v]
    if rebuilt:
        return Plan(FULL_REFRESH, f"{rebuilt[0]} was rebuilt")
    if all(done.get(name) == version for name, version in versions.items()):
        return Plan(INCREMENTAL, "inputs unchanged")
    try:
        changes = read_changes()
    except AnalysisException as exc:
        return Plan(FULL_REFRESH, f"change feed unreadable ({error_line(exc)})")
    return Plan(INCREMENTAL, "inputs changed", changes=changes)


@dataclass(frozen=True)
class Rebuild:
    """The dates a rebuild stage (gold, platinum) restates: None every date, [] none."""

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
) -> Rebuild:
    """`plan_run` for a stage that restates whole dates: the dates its changes touch."""
    plan = plan_run(
        dates=options.dates, full_refresh=options.full_refresh, built=built,
        key_input=key_input, versions=versions, done=done, read_changes=changed_dates,
    )  # fmt: skip
    if plan.dates is not None:
        return Rebuild(plan.mode, plan.dates.days(), plan.why)
    if plan.mode == FULL_REFRESH:
        return Rebuild(plan.mode, None, plan.why)
    if plan.unchanged:
        return Rebuild(plan.mode, [], plan.why)
    return Rebuild(plan.mode, plan.changes, f"{len(plan.changes)} dates changed")
