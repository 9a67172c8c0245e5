"""The incremental planner of the rebuild stages: each fallback, in order."""

from datetime import date

import pytest
from pyspark.errors import AnalysisException

from scout_spark.date_range import DateRange
from scout_spark.pipelines.build_options import BuildOptions
from scout_spark.pipelines.planner import (
    DATE_RANGE,
    FULL_REFRESH,
    INCREMENTAL,
    Plan,
    plan_rebuild,
    plan_run,
)

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)
KEY = "silver/transactions"
DEFAULT = BuildOptions()


def plan(options=DEFAULT, *, built=True, versions=None, done=None, changed=(D2,)):  # type: ignore[no-untyped-def]
    return plan_rebuild(
        options, built=built, key_input=KEY,
        versions={KEY: 5, "silver/items": 3} if versions is None else versions,
        done={KEY: 4, "silver/items": 3} if done is None else done,
        changed_dates=lambda: list(changed),
    )  # fmt: skip


def test_requests_come_first() -> None:
    ranged = plan(BuildOptions(from_date=D1, to_date=D2), built=False)
    assert (ranged.mode, ranged.dates) == (DATE_RANGE, [D1, D2])
    assert plan(BuildOptions(full_refresh=True)).mode == FULL_REFRESH


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"built": False}, "first build"),
        ({"done": {"silver/items": 3}}, "no checkpoint yet"),
        ({"versions": {KEY: 3, "silver/items": 3}}, f"{KEY} was rebuilt"),
        ({"versions": {KEY: 5, "silver/items": None}}, "silver/items was rebuilt"),
    ],
)
def test_every_fallback_rebuilds_every_date(kwargs: dict, why: str) -> None:
    assert plan(**kwargs).dates is None and plan(**kwargs).why == why


def test_unchanged_inputs_rebuild_nothing_and_changes_their_dates() -> None:
    same = plan(versions={KEY: 4, "silver/items": 3})
    assert (same.mode, same.dates) == (INCREMENTAL, [])
    changed = plan()
    assert (changed.mode, changed.dates, changed.why) == (INCREMENTAL, [D2], "1 dates changed")


def test_an_unreadable_change_feed_rebuilds_every_date() -> None:
    def unreadable() -> list[date]:
        raise AnalysisException("[DELTA_CHANGE_DATA_FEED_NOT_ENABLED] not enabled")

    result = plan_rebuild(
        BuildOptions(), built=True, key_input=KEY, versions={KEY: 5}, done={KEY: 4},
        changed_dates=unreadable,
    )  # fmt: skip
    assert (result.mode, result.dates) == (FULL_REFRESH, None)
    assert result.why.startswith("change feed unreadable (") and "not enabled" in result.why


def test_a_requested_range_is_planned_before_any_change_is_read() -> None:
    def never() -> list[date]:
        raise AssertionError("read the changes")

    ranged = plan_run(
        dates=DateRange(D1, D2), full_refresh=False, built=False, key_input=KEY,
        versions={KEY: 5}, done={}, read_changes=never,
    )  # fmt: skip
    assert (ranged.mode, ranged.dates, ranged.why) == (DATE_RANGE, DateRange(D1, D2),
                                                       "2026-03-01..2026-03-02 requested")  # fmt: skip


def test_the_planner_hands_back_what_the_stage_read_and_marks_unchanged_inputs() -> None:
    def planned(version: int) -> Plan[str]:
        return plan_run(
            dates=None, full_refresh=False, built=True, key_input=KEY,
            versions={KEY: version}, done={KEY: 4}, read_changes=lambda: "rows after v4",
        )  # fmt: skip

    assert planned(5).changes == "rows after v4" and not planned(5).unchanged
    assert planned(4).unchanged and planned(4).changes is None
