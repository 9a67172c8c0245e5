"""The report stage on a throwaway lake: ledger, tables, quarantine and monitors -> HTML -> PNG.

The page is rendered in headless Chromium and the screenshot must not be blank; a blank
page is screenshotted too, to show the blank check can fail.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.context import RunIdentity
from scout_spark.layers.silver.rules import quarantine_schema
from scout_spark.pipelines.monitor import RUN_MONITORS_SCHEMA
from scout_spark.records.ledger import record
from scout_spark.report.screenshot import take_screenshot
from scout_spark.results import StageResult, TableVersions

SCRIPT_RULE = "<script>alert('rule')</script>"


@dataclass(frozen=True)
class ScreenStats:
    """What a screenshot holds: distinct colours and shares of non-white, non-background
    and dark pixels."""

    colours: int
    non_white: float
    non_background: float
    dark: float

    @property
    def looks_rendered(self) -> bool:
        return (
            self.colours >= 256
            and self.non_white >= 0.15
            and self.non_background >= 0.15
            and self.dark >= 0.01
        )


def screen_stats(png: Path) -> ScreenStats:
    with Image.open(png) as image:
        rgb = image.convert("RGB")
    counts = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    total = rgb.width * rgb.height
    return ScreenStats(
        colours=len(counts),
        non_white=1 - sum(n for n, c in counts if min(c) >= 250) / total,
        non_background=1 - max(n for n, _ in counts) / total,
        dark=sum(n for n, c in counts if sum(c) / 3 < 128) / total,
    )


def write_ledger(spark: SparkSession, config: Config, now: datetime) -> None:
    """Two bronze and two silver runs (one bronze failed, parts included) and one too old."""

    def stage_run(run_id: str, stage: str, minutes_ago: int) -> RunIdentity:
        return RunIdentity(run_id, run_id, stage, now - timedelta(minutes=minutes_ago))

    bronze = stage_run("bronze-r1", "bronze", 50)
    part = StageResult(records_written=4321, tables={"bronze/transactions": TableVersions(None, 0)})
    record(spark, config, stage_run("bronze-r1", "bronze.transactions", 50), "succeeded", part)
    record(spark, config, bronze, "succeeded", StageResult(records_written=4321))
    silver_part = StageResult(records_read=4321, records_written=4100, data_quality_score=0.75)
    record(
        spark, config, stage_run("silver-r1", "silver.transactions", 45), "succeeded", silver_part
    )
    silver = StageResult(
        records_read=4321, records_written=4100, records_quarantined=98, data_quality_score=0.9
    )
    record(spark, config, stage_run("silver-r1", "silver", 45), "succeeded", silver)
    failed = stage_run("bronze-r2", "bronze", 20)
    record(spark, config, failed, "running")
    record(spark, config, failed, "failed", error="disk <full> on node")
    later = StageResult(records_read=6000, records_written=5900, data_quality_score=0.5)
    record(spark, config, stage_run("silver-r2", "silver", 10), "succeeded", later)
    ancient = stage_run("bronze-ancient", "bronze", 40 * 24 * 60)
    record(spark, config, ancient, "succeeded", StageResult(records_written=777))


def quarantine_row(schema: T.StructType, now: datetime, **values: object) -> tuple:
    defaults = {
        T.StringType(): "x",
        T.LongType(): 0,
        T.TimestampType(): now,
        T.DateType(): date.today(),
    }
    return tuple(
        values[f.name] if f.name in values else (None if f.nullable else defaults[f.dataType])
        for f in schema.fields
    )


def write_tables(spark: SparkSession, config: Config, now: datetime) -> None:
    """bronze (two commits), gold, a quarantine table, run_monitors and two non-tables."""
    rows = T.StructType([T.StructField("n", T.LongType(), False)])
    bronze = config.lake_path("bronze", "transactions")
    spark.createDataFrame([(1,), (2,), (3,)], rows).write.format("delta").save(bronze)
    spark.createDataFrame([(4,), (5,)], rows).write.format("delta").mode("append").save(bronze)
    gold = config.lake_path("gold", "daily_store_sales")
    spark.createDataFrame([(1,), (2,), (3,)], rows).write.format("delta").save(gold)
    internal = config.lake_path("silver", "_state")
    spark.createDataFrame([(1,)], rows).write.format("delta").save(internal)
    not_a_table = Path(config.lake_path("gold", "not_a_table").removeprefix("file://"))
    not_a_table.mkdir(parents=True)
    (not_a_table / "notes.txt").write_text("not delta")

    schema = quarantine_schema("transactions")
    failed = [
        ["amount_positive"], ["amount_positive", "store_known"], [SCRIPT_RULE], ["amount_positive"],
    ]  # fmt: skip
    quarantined = [
        quarantine_row(schema, now, _row_id=f"r{i}", failed_rules=rules, warned_rules=[])
        for i, rules in enumerate(failed)
    ]
    too_old = now - timedelta(days=40)
    quarantined.append(
        quarantine_row(
            schema, now, _row_id="old", failed_rules=["ancient_rule"], warned_rules=[],
            quarantined_at=too_old,
        )
    )  # fmt: skip
    quarantine = config.lake_path("silver", "transactions_quarantine")
    spark.createDataFrame(quarantined, schema).write.format("delta").save(quarantine)

    earlier, latest = now - timedelta(hours=2), now - timedelta(minutes=5)
    checks = [
        ("m1", "p1", earlier, "freshness", "stale_subject_old", "alert", 99.0, 6.0, "old alert"),
        ("m2", "p2", latest, "volume", "silver/transactions", "alert", 12.0, 4321.0, "dropped <90%>"),
        ("m2", "p2", latest, "freshness", "bronze/transactions", "ok", 1.0, 6.0, None),
        ("m2", "p2", latest, "reconciliation", "gold/daily_store_sales", "skipped", None, None, "no db"),
    ]  # fmt: skip
    monitors = config.lake_path("platinum", "run_monitors")
    spark.createDataFrame(checks, RUN_MONITORS_SCHEMA).write.format("delta").save(monitors)


def section_of(page: str, anchor: str) -> str:
    return page.split(f'<section id="{anchor}">', 1)[1].split("</section>", 1)[0]


def test_report_stage_renders_the_lake_facts_into_a_page_chromium_draws(
    spark: SparkSession, lake_config, run_stage, tmp_path: Path
) -> None:
    config = lake_config("report")
    now = datetime.now(UTC)
    write_ledger(spark, config, now)
    write_tables(spark, config, now)
    target = tmp_path / "out" / "nested" / "report.html"

    result = run_stage(config, "report", output=str(target), days=30)

    assert result.status == "succeeded"
    assert (
        result.metrics["output"] == str(target.resolve())
        and str(target.resolve()) in result.summary
    )
    assert (result.metrics["tables"], result.metrics["monitors_in_alert"]) == ("4", "1")
    page = target.read_text(encoding="utf-8")
    runs = section_of(page, "runs")
    for text in ("bronze-r1", "bronze-r2", "silver-r2", "bronze.transactions", "4,321", "4,100", "98",
                 "5,900", "disk &lt;full&gt; on node", "90.0%", "75.0%", "50.0%"):  # fmt: skip
        assert text in runs, text
    assert "bronze-ancient" not in page and "running" not in runs  # too old; superseded rows
    assert re.search(r"<td>bronze</td><td>.*?failed</span>", runs)

    rows = section_of(page, "rows")
    listed = re.findall(r'<tr><td>\w+</td><td>([^<]+)</td><td class="num">([\d,]+)</td>'
                        r'<td class="num">([\d,]+)</td>', rows)  # fmt: skip
    assert sorted(listed) == [
        ("bronze/transactions", "1", "5"),
        ("gold/daily_store_sales", "0", "3"),
        ("platinum/run_monitors", "0", "4"),
        ("silver/transactions_quarantine", "0", "5"),
    ]

    quality = section_of(page, "quality")
    assert "Latest silver run: 50.0% clean rows" in quality and "silver.transactions" in quality

    reasons = re.findall(r'<tr><td>transactions</td><td>([^<]+)</td><td class="num">(\d+)</td>',
                         section_of(page, "quarantine"))  # fmt: skip
    assert reasons == [
        ("amount_positive", "3"),
        ("&lt;script&gt;alert(&#x27;rule&#x27;)&lt;/script&gt;", "1"),
        ("store_known", "1"),
    ]
    assert "<script" not in page.lower() and "ancient_rule" not in page

    alerts = section_of(page, "monitors")
    assert "Latest check m2" in alerts and "alert 1, ok 1, skipped 1" in alerts
    assert re.search(r"<td>volume</td><td>silver/transactions</td>.*?<td class=\"num\">12</td>"
                     r"<td class=\"num\">4,321</td><td>dropped &lt;90%&gt;</td>", alerts)  # fmt: skip
    assert "stale_subject_old" not in alerts and "reconciliation" not in alerts

    shot = take_screenshot(target, tmp_path / "report.png")
    stats = screen_stats(shot)
    assert stats.looks_rendered, stats


def test_screenshot_check_fails_for_a_blank_page(tmp_path: Path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")

    stats = screen_stats(take_screenshot(blank, tmp_path / "blank.png"))

    assert not stats.looks_rendered
    assert (stats.colours, stats.non_white) == (1, 0.0)


def test_report_stage_on_an_empty_lake_writes_the_default_file(
    spark: SparkSession, lake_config, run_stage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = lake_config("empty")
    monkeypatch.chdir(tmp_path)

    result = run_stage(config, "report")

    target = tmp_path / "reports" / f"scout-report-{config.env}.html"
    assert result.metrics["output"] == str(target.resolve())
    page = target.read_text(encoding="utf-8")
    assert "No runs recorded in the run ledger in the last 30 days." in page
    assert "No Delta tables in the lake yet." in page
    assert "No monitor results yet." in section_of(page, "monitors")
    assert result.metrics["monitors_in_alert"] == "none"
