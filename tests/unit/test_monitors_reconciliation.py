"""Reconciliation monitor: per-date counts and gross sales equal on both sides."""

from datetime import date
from decimal import Decimal

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession

from scout_spark.health_checks.reconciliation import (
    DailyTotal,
    compare_daily_totals,
    select_daily_totals,
)
from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)
BASE = {D1: DailyTotal(3, Decimal("150.25")), D2: DailyTotal(2, Decimal("99.99"))}
EXACT = Decimal("0.00")


@pytest.mark.parametrize(
    ("actual", "tolerance", "status", "differing"),
    [
        (dict(BASE), EXACT, OK, 0),
        ({**BASE, D2: DailyTotal(1, Decimal("99.99"))}, EXACT, ALERT, 1),  # a row missing
        ({**BASE, D2: DailyTotal(2, Decimal("100.00"))}, EXACT, ALERT, 1),  # a cent off
        ({**BASE, D2: DailyTotal(2, Decimal("100.00"))}, Decimal("0.01"), OK, 0),
        ({**BASE, D2: DailyTotal(2, Decimal("100.01"))}, Decimal("0.01"), ALERT, 1),
        ({D1: BASE[D1]}, EXACT, ALERT, 1),  # a whole date missing
        ({**BASE, D3: DailyTotal(1, Decimal("5.00"))}, EXACT, ALERT, 1),  # an extra date
        ({D1: DailyTotal(4, Decimal("1.00")), D2: DailyTotal(0, EXACT)}, EXACT, ALERT, 2),
    ],
)
def test_compare_daily_totals_fires_on_any_difference(
    actual: dict, tolerance: Decimal, status: str, differing: int
) -> None:
    result = compare_daily_totals(
        actual, BASE, subject="gold_vs_silver", names=("gold", "silver"), tolerance=tolerance
    )
    assert (result.monitor, result.subject, result.status) == (
        "reconciliation", "gold_vs_silver", status,
    )  # fmt: skip
    assert (result.observed, result.expected) == (float(differing), 0.0)


def test_compare_daily_totals_details() -> None:
    actual = {**BASE, D2: DailyTotal(1, Decimal("0.99"))}
    names = ("postgres", "gold")
    result = compare_daily_totals(actual, BASE, subject="p", names=names, tolerance=EXACT)
    assert result.detail == (
        "1 of 2 sales dates 2026-03-01..2026-03-02 differ: "
        "2026-03-02: postgres 1 rows 0.99, gold 2 rows 99.99"
    )
    quiet = compare_daily_totals(BASE, BASE, subject="p", names=names, tolerance=EXACT)
    assert quiet.detail == "2 sales dates 2026-03-01..2026-03-02 equal"
    assert compare_daily_totals({}, {}, subject="p", names=names, tolerance=EXACT) == (
        MonitorResult("reconciliation", "p", SKIPPED, None, None, "no sales dates to compare")
    )


def test_select_daily_totals_counts_rows_and_sums_money(spark: SparkSession) -> None:
    rows_df = spark.createDataFrame(
        [
            ("T1", D1, Decimal("100.10")),
            ("T2", D1, Decimal("0.05")),
            ("T3", D1, None),  # counted, adds nothing
            ("T4", D2, None),
            ("T5", None, Decimal("7.00")),
        ],
        "transaction_id string, sales_date date, total_amount decimal(14,2)",
    )
    expected_df = spark.createDataFrame(
        [
            (D1, 3, Decimal("100.15")),
            (D2, 1, Decimal("0.00")),
            (None, 1, Decimal("7.00")),
        ],
        "sales_date date, transactions bigint, gross decimal(24,2)",
    )
    assert_df_equality(
        select_daily_totals(rows_df), expected_df, ignore_row_order=True, ignore_nullable=True
    )
