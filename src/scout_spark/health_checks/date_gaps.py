"""Expected-date gaps: a date in the look-back with no complete partition ingested.

A complete partition is an ingested file whose path names its business date as a daily
partition (`dt=YYYY-MM-DD/` or `YYYY/MM/DD/`). Intraday increments (`hour=...`) land
before the daily partition and do not complete a date; a partition still waiting for its
_SUCCESS marker is never ingested, so its date stays a gap until the marker appears.
"""

import re
from collections.abc import Iterable
from datetime import date, timedelta

from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult
from scout_spark.sources.discovery import date_of

MONITOR = "date_gaps"
_INCREMENT = re.compile(r"/hour=[^/]*/")
_LISTED_DATES = 10


def partition_date(path: str) -> date | None:
    """The date a daily partition file belongs to; None for increments and undated files."""
    if _INCREMENT.search(path):
        return None
    return date_of(path)


def check_date_gaps(
    ingested_paths: Iterable[str], *, dataset: str, lookback_days: int, until: date | None
) -> MonitorResult:
    """Dates from max(first date ingested, end - lookback + 1) to end without a partition.

    The end is `until` (the run date) when given, else the latest date ingested.
    """
    dates = {d for path in ingested_paths if (d := partition_date(path)) is not None}
    if not dates:
        return MonitorResult(MONITOR, dataset, SKIPPED, None, None, "no daily partition ingested")
    end = until or max(dates)
    start = max(min(dates), end - timedelta(days=lookback_days - 1))
    expected = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    missing = [d for d in expected if d not in dates]
    listed = ", ".join(d.isoformat() for d in missing[:_LISTED_DATES])
    more = f" and {len(missing) - _LISTED_DATES} more" if len(missing) > _LISTED_DATES else ""
    span = f"{start}..{end}" if expected else f"none (first date {min(dates)} is after {end})"
    detail = (
        f"{len(missing)} of {len(expected)} dates in {span} without a complete partition"
        f"{f': {listed}{more}' if missing else ''}"
    )
    status = ALERT if missing else OK
    return MonitorResult(MONITOR, dataset, status, float(len(missing)), 0.0, detail)
