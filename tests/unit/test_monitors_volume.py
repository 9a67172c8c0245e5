"""Volume monitor: the latest bronze run's rows against the trailing median."""

from datetime import UTC, datetime, timedelta

import pytest

from scout_spark.config.model import VolumeConfig
from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult
from scout_spark.health_checks.volume import IngestRun, check_volume, check_volumes

RULE = VolumeConfig(baseline_runs=7, min_baseline_runs=3, low_ratio=0.5, high_ratio=3.0)
START = datetime(2026, 3, 10, tzinfo=UTC)


def runs(*rows: int) -> list[IngestRun]:
    """Newest first: run r0 is the latest."""
    return [IngestRun(f"r{n}", START - timedelta(hours=n), count) for n, count in enumerate(rows)]


@pytest.mark.parametrize(
    ("rows", "status", "observed", "median"),
    [
        ((100, 100, 90, 110), OK, 100.0, 100.0),
        ((50, 100, 90, 110), OK, 50.0, 100.0),  # exactly low_ratio: not below it
        ((300, 100, 90, 110), OK, 300.0, 100.0),  # exactly high_ratio: not above it
        ((49, 100, 90, 110), ALERT, 49.0, 100.0),
        ((301, 100, 90, 110), ALERT, 301.0, 100.0),
        ((0, 100, 90, 110), ALERT, 0.0, 100.0),
        ((100, 100, 0, 90, 0, 110), OK, 100.0, 100.0),  # runs without rows: not baseline
        # Only the 7 newest earlier runs: 10s, not the older 1000s, form the median.
        ((12, *[10] * 7, *[1000] * 8), OK, 12.0, 10.0),
        ((900, *[10] * 7, *[1000] * 8), ALERT, 900.0, 10.0),
        ((5, 100, 90), SKIPPED, 5.0, None),  # 2 earlier runs < min_baseline_runs
        ((5, 100, 0, 0, 90), SKIPPED, 5.0, None),
        ((100,), SKIPPED, 100.0, None),
    ],
)
def test_check_volume_fires_outside_the_ratios(
    rows: tuple[int, ...], status: str, observed: float, median: float | None
) -> None:
    result = check_volume(runs(*rows), dataset="transactions", rule=RULE)
    assert (result.monitor, result.subject, result.status) == ("volume", "transactions", status)
    assert (result.observed, result.expected) == (observed, median)


def test_check_volume_details_name_run_ratio_and_baseline() -> None:
    assert check_volume(runs(40, 100, 80, 120), dataset="items", rule=RULE) == MonitorResult(
        "volume", "items", ALERT, 40.0, 100.0,
        "run r0: 40 rows = 0.40 x the median 100 of 3 earlier runs; allowed 0.5..3 x",
    )  # fmt: skip
    assert check_volume(runs(40, 100), dataset="items", rule=RULE).detail == (
        "run r0: 40 rows; 1 earlier runs with rows, 3 needed for a baseline"
    )


def test_check_volumes_skips_datasets_without_runs() -> None:
    results = check_volumes(
        {"transactions": runs(10, 100, 100, 100)}, datasets=("transactions", "stores"), rule=RULE
    )
    assert [(r.subject, r.status) for r in results] == [
        ("transactions", ALERT),
        ("stores", SKIPPED),
    ]
    assert results[1].detail == "no bronze run ingested files"
