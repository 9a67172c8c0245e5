"""Stage options and date arithmetic of the gold and platinum pipelines (no Spark)."""

import argparse
from datetime import date

import pytest

from scout_spark.errors import ConfigError
from scout_spark.pipelines.gold import add_arguments, requested_dates
from scout_spark.pipelines.platinum import shift_dates


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_requested_dates_every_day_of_the_range() -> None:
    args = parse("--from-date", "2026-02-27", "--to-date", "2026-03-02")
    assert requested_dates(args) == [
        date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2),
    ]  # fmt: skip


def test_requested_dates_none_without_a_range() -> None:
    assert requested_dates(parse()) is None
    assert requested_dates(parse("--full-refresh")) is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--from-date", "2026-03-01"), "go together"),
        (("--to-date", "2026-03-01"), "go together"),
        (("--from-date", "2026-03-02", "--to-date", "2026-03-01"), "is after"),
        (("--full-refresh", "--from-date", "2026-03-01", "--to-date", "2026-03-01"), "every date"),
    ],
)
def test_requested_dates_rejects_bad_combinations(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        requested_dates(parse(*argv))


def test_shift_dates_changed_day_and_the_28_days_whose_baseline_holds_it() -> None:
    shifted = shift_dates({date(2026, 3, 1)}, 0, 28)
    assert (len(shifted), shifted[0], shifted[-1]) == (29, date(2026, 3, 1), date(2026, 3, 29))


def test_shift_dates_merges_overlaps_and_sorts() -> None:
    assert shift_dates([date(2026, 3, 3), date(2026, 3, 1)], -1, 1) == [
        date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4),
    ]  # fmt: skip
