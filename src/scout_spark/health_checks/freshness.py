"""Freshness: a dataset whose newest rows reached bronze longer ago than allowed."""

from collections.abc import Mapping
from datetime import datetime

from scout_spark.health_checks.results import ALERT, OK, MonitorResult

MONITOR = "freshness"


def check_freshness(
    newest: Mapping[str, datetime | None], *, max_hours: Mapping[str, int], now: datetime
) -> list[MonitorResult]:
    """One result per dataset of `max_hours`: alert when its newest ingest is too old or absent.

    `newest` maps a dataset to the time (UTC, aware) bronze last ingested a file with rows.
    """
    results = []
    for dataset, limit in max_hours.items():
        arrived = newest.get(dataset)
        if arrived is None:
            results.append(
                MonitorResult(MONITOR, dataset, ALERT, None, float(limit), "no rows ingested yet")
            )
            continue
        age_hours = (now - arrived).total_seconds() / 3600
        status = ALERT if age_hours > limit else OK
        detail = (
            f"newest rows ingested {age_hours:.1f} h ago ({arrived:%Y-%m-%d %H:%M} UTC); "
            f"allowed {limit} h"
        )
        results.append(MonitorResult(MONITOR, dataset, status, age_hours, float(limit), detail))
    return results
