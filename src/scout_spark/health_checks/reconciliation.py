"""Reconciliation: per sales date, transaction count and gross sales equal on both sides.

Gold against silver (the same Manila sales dates), and the dashboard's Postgres against
gold at the version the last publish recorded. Money is compared as exact decimals.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult

MONITOR = "reconciliation"
_LISTED_DATES = 5


@dataclass(frozen=True)
class DailyTotal:
    """One sales date's transaction count and gross sales (sum of total_amount)."""

    transactions: int
    gross: Decimal


NONE = DailyTotal(0, Decimal("0.00"))


def select_daily_totals(df: DataFrame) -> DataFrame:
    """Needs sales_date, total_amount; one row per sales_date: transactions, gross."""
    return df.groupBy("sales_date").agg(
        F.count(F.lit(1)).alias("transactions"),
        F.coalesce(F.sum("total_amount"), F.lit(0).cast("decimal(24,2)")).alias("gross"),
    )


def _differs(actual: DailyTotal, expected: DailyTotal, tolerance: Decimal) -> bool:
    is_count_off = actual.transactions != expected.transactions
    return is_count_off or abs(actual.gross - expected.gross) > tolerance


def _describe(day: date, actual: DailyTotal, expected: DailyTotal, names: tuple[str, str]) -> str:
    return (
        f"{day}: {names[0]} {actual.transactions} rows {actual.gross}, "
        f"{names[1]} {expected.transactions} rows {expected.gross}"
    )


def compare_daily_totals(
    actual: Mapping[date, DailyTotal],
    expected: Mapping[date, DailyTotal],
    *,
    subject: str,
    names: tuple[str, str],
    tolerance: Decimal,
) -> MonitorResult:
    """Alert when a date (on either side) differs in count, or in gross beyond `tolerance`.

    `names` label the two sides in the detail, e.g. ("gold", "silver"); observed is the
    number of differing dates.
    """
    days = sorted(actual.keys() | expected.keys())
    if not days:
        return MonitorResult(MONITOR, subject, SKIPPED, None, None, "no sales dates to compare")
    differing = [
        day for day in days if _differs(actual.get(day, NONE), expected.get(day, NONE), tolerance)
    ]
    scope = f"{len(days)} sales dates {days[0]}..{days[-1]}"
    if not differing:
        return MonitorResult(MONITOR, subject, OK, 0.0, 0.0, f"{scope} equal")
    listed = "; ".join(
        _describe(d, actual.get(d, NONE), expected.get(d, NONE), names)
        for d in differing[:_LISTED_DATES]
    )
    more = f"; and {len(differing) - _LISTED_DATES} more" if len(differing) > _LISTED_DATES else ""
    detail = f"{len(differing)} of {scope} differ: {listed}{more}"
    return MonitorResult(MONITOR, subject, ALERT, float(len(differing)), 0.0, detail)


def skipped(subject: str, why: str) -> MonitorResult:
    """A comparison that could not or need not run (e.g. nothing published yet)."""
    return MonitorResult(MONITOR, subject, SKIPPED, None, None, why)


def not_checked(subject: str, why: str) -> MonitorResult:
    """A comparison that should have run but could not (e.g. Postgres unreachable)."""
    return MonitorResult(MONITOR, subject, ALERT, None, None, f"cannot check: {why}")
