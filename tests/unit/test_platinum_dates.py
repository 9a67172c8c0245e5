"""Date arithmetic of the platinum monitors (no Spark)."""

from datetime import date

from scout_spark.pipelines.platinum import shift_dates


def test_shift_dates_changed_day_and_the_28_days_whose_baseline_holds_it() -> None:
    shifted = shift_dates({date(2026, 3, 1)}, 0, 28)
    assert (len(shifted), shifted[0], shifted[-1]) == (29, date(2026, 3, 1), date(2026, 3, 29))


def test_shift_dates_merges_overlaps_and_sorts() -> None:
    assert shift_dates([date(2026, 3, 3), date(2026, 3, 1)], -1, 1) == [
        date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4),
    ]  # fmt: skip
