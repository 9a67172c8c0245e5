"""Freshness monitor: fires when a dataset's newest ingest is too old or missing."""

from datetime import UTC, datetime, timedelta

import pytest

from scout_spark.health_checks.freshness import check_freshness
from scout_spark.health_checks.results import ALERT, OK, MonitorResult

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LIMITS = {"transactions": 26, "customers": 192}


@pytest.mark.parametrize(
    ("transactions_age", "customers_age", "expected"),
    [
        (timedelta(hours=1), timedelta(days=7), (OK, OK)),
        (timedelta(hours=26), timedelta(hours=192), (OK, OK)),  # exactly the limit: not older
        (timedelta(hours=26, seconds=36), timedelta(days=1), (ALERT, OK)),
        (timedelta(hours=2), timedelta(days=8, minutes=1), (OK, ALERT)),
        (timedelta(days=30), timedelta(days=30), (ALERT, ALERT)),
    ],
)
def test_check_freshness_fires_only_past_the_limit(
    transactions_age: timedelta, customers_age: timedelta, expected: tuple[str, str]
) -> None:
    newest = {"transactions": NOW - transactions_age, "customers": NOW - customers_age}
    results = check_freshness(newest, max_hours=LIMITS, now=NOW)
    assert [(r.subject, r.status) for r in results] == list(zip(LIMITS, expected, strict=True))
    ages = [transactions_age.total_seconds() / 3600, customers_age.total_seconds() / 3600]
    assert [r.observed for r in results] == pytest.approx(ages)
    assert [r.expected for r in results] == [26.0, 192.0]


def test_check_freshness_result_says_age_and_limit() -> None:
    newest = {"transactions": datetime(2026, 3, 9, 6, 0, tzinfo=UTC), "customers": NOW}
    assert check_freshness(newest, max_hours=LIMITS, now=NOW)[0] == MonitorResult(
        "freshness",
        "transactions",
        ALERT,
        30.0,
        26.0,
        "newest rows ingested 30.0 h ago (2026-03-09 06:00 UTC); allowed 26 h",
    )


@pytest.mark.parametrize("newest", [{}, {"transactions": None, "customers": None}])
def test_check_freshness_alerts_when_nothing_was_ingested(newest: dict) -> None:
    results = check_freshness(newest, max_hours=LIMITS, now=NOW)
    assert results == [
        MonitorResult("freshness", "transactions", ALERT, None, 26.0, "no rows ingested yet"),
        MonitorResult("freshness", "customers", ALERT, None, 192.0, "no rows ingested yet"),
    ]
