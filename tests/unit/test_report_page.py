"""The run report page rendered from inline data: sections, numbers, escaping, no fetches."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from scout_spark.report.model import (
    MonitorAlert,
    MonitorCheck,
    QualityPoint,
    QuarantineReason,
    ReportData,
    StageRun,
    TableRows,
)
from scout_spark.report.page import render_report

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"


def run(stage: str, hours_ago: float, status: str = "succeeded", **counts: object) -> StageRun:
    values: dict = {
        "duration_seconds": 42.0,
        "records_read": 1000,
        "records_written": 900,
        "records_quarantined": 0,
        **counts,
    }
    return StageRun(
        run_id=f"{stage}-{hours_ago}",
        stage=stage,
        status=status,
        started_at=NOW - timedelta(hours=hours_ago),
        **values,
    )


def sample_data(**changes: object) -> ReportData:
    values: dict = {
        "env": "staging",
        "pipeline_name": "scout",
        "lake_root": "s3a://scout-staging/lake/",
        "generated_at": NOW,
        "days": 30,
        "runs": (
            run("bronze", 30, records_written=12345),
            run("silver", 29, records_read=12345, records_quarantined=77, data_quality_score=0.9),
            run("silver.transactions", 29, data_quality_score=0.875),
            run("bronze", 5, "failed", duration_seconds=3.0, error_message="boom <b>bad</b>"),
            run("silver", 4, data_quality_score=0.95),
        ),
        "tables": (
            TableRows("bronze", "bronze/transactions", 7, 12345, 3, 40960),
            TableRows("silver", "silver/transactions", 4, 11000, 2, 20480),
            TableRows("silver", "silver/transactions_quarantine", 2, 77, 1, 1024),
            TableRows("gold", "gold/daily_store_sales", 9, 321, 1, 4096),
        ),
        "quality": (
            QualityPoint("silver", "silver-29", NOW - timedelta(hours=29), 0.9),
            QualityPoint("silver.transactions", "silver-29", NOW - timedelta(hours=29), 0.875),
            QualityPoint("silver", "silver-4", NOW - timedelta(hours=4), 0.95),
        ),
        "quarantine": (
            QuarantineReason("transactions", "amount_positive", 60),
            QuarantineReason("transactions", SCRIPT, 17),
        ),
        "monitors": MonitorCheck(
            run_id="monitor-7",
            checked_at=NOW - timedelta(hours=1),
            status_counts={"ok": 11, "alert": 1},
            alerts=(MonitorAlert("freshness", "bronze/transactions", 30.5, 6.0, "stale", NOW),),
        ),
    }
    return ReportData(**{**values, **changes})


def test_render_report_has_every_section_with_its_numbers() -> None:
    page = render_report(sample_data())

    for anchor in ("overview", "runs", "rows", "quality", "quarantine", "monitors"):
        assert f'<section id="{anchor}">' in page
    for text in (
        "Run history", "Rows per layer", "Quality score trend", "Top quarantine reasons",
        "Monitors in alert", "12,345", "11,000", "amount_positive", "freshness", "30.50",
        "95.0%", "87.5%", "monitor-7", "silver.transactions", "failed", "staging",
    ):  # fmt: skip
        assert text in page, text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5


def test_render_report_escapes_every_text_from_the_data() -> None:
    page = render_report(sample_data())

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "boom &lt;b&gt;bad&lt;/b&gt;" in page


def test_render_report_loads_nothing_from_elsewhere() -> None:
    page = render_report(sample_data())

    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert addresses == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    for marker in ("<script", "<link", "<img", "<iframe", "@import", "url(", " src="):
        assert marker not in page.lower()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None and html.unescape(policy[1]).startswith("default-src 'none';")


def test_render_report_without_monitor_table_says_no_results_yet() -> None:
    page = render_report(sample_data(monitors=None))

    assert "No monitor results yet." in page


def test_render_report_with_a_quiet_latest_check_says_no_alert() -> None:
    quiet = MonitorCheck("monitor-8", NOW, {"ok": 12}, ())

    page = render_report(sample_data(monitors=quiet))

    assert "No monitor in alert." in page and "ok 12" in page


@pytest.mark.parametrize(
    ("anchor", "placeholder"),
    [
        ("runs", "No runs recorded in the run ledger in the last 30 days."),
        ("rows", "No Delta tables in the lake yet."),
        ("quality", "No silver run reported a data quality score"),
        ("quarantine", "No rows quarantined in the last 30 days."),
        ("monitors", "No monitor results yet."),
    ],
)
def test_render_report_of_an_empty_lake_says_what_is_missing(anchor: str, placeholder: str) -> None:
    page = render_report(sample_data(runs=(), tables=(), quality=(), quarantine=(), monitors=None))

    section = page.split(f'<section id="{anchor}">', 1)[1].split("</section>", 1)[0]
    assert placeholder in section
    assert "<svg" not in section


def test_render_report_never_shows_credentials_in_the_lake_root() -> None:
    page = render_report(sample_data(lake_root="s3a://AKIAEXAMPLE:s3cr3tvalue@bucket/lake/"))

    assert "s3cr3tvalue" not in page and "AKIAEXAMPLE" not in page
    assert "s3a://bucket/lake/" in page


def test_render_report_rows_per_layer_bars_sum_each_layer() -> None:
    page = render_report(sample_data())

    rows = page.split('<section id="rows">', 1)[1].split("</section>", 1)[0]
    layer_chart = rows.split("<svg", 2)[1]
    values = [float(v) for v in re.findall(r'data-value="([\d.]+)"', layer_chart)]
    assert values == [12345, 11000 + 77, 321]  # bronze, silver, gold in pipeline order
