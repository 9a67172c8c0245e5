"""A killed rebuild's dates are rebuilt by the next run, whatever that run planned."""

from datetime import date

from scout_spark.records.unfinished import Unfinished, with_unfinished

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def test_nothing_left_keeps_the_plan() -> None:
    assert with_unfinished([D2], None) == [D2]
    assert with_unfinished([], None) == []
    assert with_unfinished(None, None) is None


def test_the_dead_runs_dates_join_the_plan() -> None:
    assert with_unfinished([], Unfinished("gold-1", [D3, D1])) == [D1, D3]
    assert with_unfinished([D2, D3], Unfinished("gold-1", [D1, D3])) == [D1, D2, D3]


def test_a_dead_full_rebuild_or_a_full_plan_rebuilds_every_date() -> None:
    assert with_unfinished([D1], Unfinished("gold-1", None)) is None
    assert with_unfinished(None, Unfinished("gold-1", [D1])) is None
