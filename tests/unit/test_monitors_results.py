"""Monitor results: the ledger summary and the one-line alert message."""

from scout_spark.health_checks.results import (
    ALERT,
    OK,
    SKIPPED,
    MonitorResult,
    alert_message,
    summary_metrics,
)

FRESH = MonitorResult("freshness", "transactions", OK, 1.0, 26.0, "fine")
STALE = MonitorResult("freshness", "items", ALERT, 30.0, 26.0, "x" * 300)
GAP = MonitorResult("date_gaps", "transactions", ALERT, 1.0, 0.0, "1 of 14 dates")
NEW = MonitorResult("volume", "stores", SKIPPED, 3.0, None, "no baseline")


def test_summary_metrics_counts_and_names_alerts() -> None:
    assert summary_metrics([FRESH, STALE, GAP, NEW]) == {
        "checks": "4",
        "alerts": "2",
        "skipped": "1",
        "alert.freshness.items": "x" * 200,
        "alert.date_gaps.transactions": "1 of 14 dates",
    }
    assert summary_metrics([FRESH, NEW]) == {"checks": "2", "alerts": "0", "skipped": "1"}


def test_alert_message_is_one_line_naming_each_alert() -> None:
    assert alert_message([FRESH, STALE, GAP, NEW]) == (
        "2 monitors in alert: freshness.items, date_gaps.transactions"
    )
    assert alert_message([GAP]) == "1 monitor in alert: date_gaps.transactions"
    assert alert_message([FRESH, NEW]) == ""
