"""Volume: rows of the latest bronze run of a dataset against its trailing median."""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from scout_spark.config.model import VolumeConfig
from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult

MONITOR = "volume"


@dataclass(frozen=True)
class IngestRun:
    """One succeeded bronze run of one dataset (ledger stage bronze.<dataset>)."""

    run_id: str
    started_at: datetime
    rows: int


def check_volume(runs: Sequence[IngestRun], *, dataset: str, rule: VolumeConfig) -> MonitorResult:
    """`runs` newest first; the newest against the median of the earlier runs with rows.

    Skipped when the dataset never had a succeeded run or has fewer than
    `rule.min_baseline_runs` earlier runs that ingested rows.
    """
    if not runs:
        return MonitorResult(MONITOR, dataset, SKIPPED, None, None, "no bronze run ingested files")
    latest, earlier = runs[0], runs[1:]
    baseline = [run.rows for run in earlier if run.rows > 0][: rule.baseline_runs]
    if len(baseline) < rule.min_baseline_runs:
        detail = (
            f"run {latest.run_id}: {latest.rows} rows; {len(baseline)} earlier runs with rows, "
            f"{rule.min_baseline_runs} needed for a baseline"
        )
        return MonitorResult(MONITOR, dataset, SKIPPED, float(latest.rows), None, detail)
    median = float(statistics.median(baseline))
    ratio = latest.rows / median
    is_outside = ratio < rule.low_ratio or ratio > rule.high_ratio
    detail = (
        f"run {latest.run_id}: {latest.rows} rows = {ratio:.2f} x the median {median:g} of "
        f"{len(baseline)} earlier runs; allowed {rule.low_ratio:g}..{rule.high_ratio:g} x"
    )
    status = ALERT if is_outside else OK
    return MonitorResult(MONITOR, dataset, status, float(latest.rows), median, detail)


def check_volumes(
    runs: Mapping[str, Sequence[IngestRun]], *, datasets: Sequence[str], rule: VolumeConfig
) -> list[MonitorResult]:
    """check_volume for each dataset (no runs: skipped)."""
    return [check_volume(runs.get(d, ()), dataset=d, rule=rule) for d in datasets]
