"""What a monitor reports: one result per (monitor, subject), and the ledger summary."""

from collections.abc import Sequence
from dataclasses import dataclass

OK, ALERT, SKIPPED = "ok", "alert", "skipped"
STATUSES = (OK, ALERT, SKIPPED)
_METRIC_DETAIL_CHARS = 200


@dataclass(frozen=True)
class MonitorResult:
    """One check of one subject (a dataset, a stage, a comparison)."""

    monitor: str
    subject: str
    status: str  # ok | alert | skipped
    observed: float | None
    expected: float | None
    detail: str

    @property
    def name(self) -> str:
        """monitor.subject, e.g. freshness.transactions."""
        return f"{self.monitor}.{self.subject}"


def alerts_of(results: Sequence[MonitorResult]) -> list[MonitorResult]:
    """The results in alert, in order."""
    return [r for r in results if r.status == ALERT]


def summary_metrics(results: Sequence[MonitorResult]) -> dict[str, str]:
    """Ledger metrics: counts per status and `alert.<monitor>.<subject>` = detail."""
    metrics = {
        "checks": str(len(results)),
        "alerts": str(sum(r.status == ALERT for r in results)),
        "skipped": str(sum(r.status == SKIPPED for r in results)),
    }
    for result in alerts_of(results):
        metrics[f"alert.{result.name}"] = result.detail[:_METRIC_DETAIL_CHARS]
    return metrics


def alert_message(results: Sequence[MonitorResult]) -> str:
    """One line naming the monitors in alert ('' when none is)."""
    names = [r.name for r in alerts_of(results)]
    if not names:
        return ""
    return f"{len(names)} monitor{'s' if len(names) > 1 else ''} in alert: {', '.join(names)}"
