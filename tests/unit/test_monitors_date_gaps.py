"""Date-gap monitor: dates in the look-back without a complete partition ingested."""

from datetime import date, timedelta

import pytest

from scout_spark.health_checks.date_gaps import check_date_gaps, partition_date
from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult

ROOT = "file:/landing"
D1 = date(2026, 3, 1)


def hive(day: date, part: int = 0) -> str:
    return f"{ROOT}/transactions/dt={day}/part-{part:05d}.parquet"


def folders(day: date) -> str:
    return f"{ROOT}/transactions/{day:%Y/%m/%d}/data.csv"


def hourly(day: date) -> str:
    return f"{ROOT}/incremental/hour={day}-10/part-00000.parquet"


def days(*offsets: int) -> list[date]:
    return [D1 + timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(
    ("paths", "until", "lookback", "status", "missing"),
    [
        ([hive(d) for d in days(0, 1, 2, 3)], None, 14, OK, []),
        ([folders(d) for d in days(0, 1, 2, 3)], None, 14, OK, []),
        ([hive(d, p) for d in days(0, 1, 3) for p in (0, 1)], None, 14, ALERT, days(2)),
        ([folders(d) for d in days(0, 3)], None, 14, ALERT, days(1, 2)),
        # an intraday increment does not complete its date
        ([*[hive(d) for d in days(0, 1, 3)], hourly(days(2)[0])], None, 14, ALERT, days(2)),
        # run date after the latest partition (e.g. one waiting for _SUCCESS): a gap
        ([hive(d) for d in days(0, 1, 2)], days(3)[0], 14, ALERT, days(3)),
        ([hive(d) for d in days(0, 1, 2)], days(2)[0], 14, OK, []),
        # a gap older than the look-back is not reported
        ([hive(d) for d in days(0, *range(2, 20))], None, 14, OK, []),
        ([hive(d) for d in days(0, *range(2, 20))], None, 19, ALERT, days(1)),
    ],
)
def test_check_date_gaps_fires_on_missing_dates(
    paths: list[str], until: date | None, lookback: int, status: str, missing: list[date]
) -> None:
    result = check_date_gaps(paths, dataset="transactions", lookback_days=lookback, until=until)
    assert (result.monitor, result.subject, result.status) == ("date_gaps", "transactions", status)
    assert (result.observed, result.expected) == (float(len(missing)), 0.0)
    for day in missing:
        assert day.isoformat() in result.detail


def test_check_date_gaps_detail_names_range_and_dates() -> None:
    result = check_date_gaps(
        [hive(d) for d in days(0, 3)], dataset="items", lookback_days=14, until=days(4)[0]
    )
    assert result == MonitorResult(
        "date_gaps", "items", ALERT, 3.0, 0.0,
        "3 of 5 dates in 2026-03-01..2026-03-05 without a complete partition: "
        "2026-03-02, 2026-03-03, 2026-03-05",
    )  # fmt: skip


@pytest.mark.parametrize("paths", [[], [f"{ROOT}/stores/stores.csv"], [hourly(D1)]])
def test_check_date_gaps_skips_without_daily_partitions(paths: list[str]) -> None:
    result = check_date_gaps(paths, dataset="transactions", lookback_days=14, until=None)
    assert (result.status, result.detail) == (SKIPPED, "no daily partition ingested")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (hive(D1), D1),
        (folders(D1), D1),
        (f"{ROOT}/archive/2025/transactions/dt=2025-12-31/part-00000.csv", date(2025, 12, 31)),
        (hourly(D1), None),
        (f"{ROOT}/customers/segments.avro", None),
    ],
)
def test_partition_date(path: str, expected: date | None) -> None:
    assert partition_date(path) == expected
