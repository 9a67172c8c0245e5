"""The report stage's options, output path and page write, and the quality trend it derives."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scout_spark.cli.args import base_parser
from scout_spark.cli.runner import invocation
from scout_spark.cli.stage_arguments import add_stage_arguments
from scout_spark.errors import ConfigError
from scout_spark.report.model import StageRun
from scout_spark.report.run_history import quality_trend
from scout_spark.report.stage import ReportOptions, default_output, output_path, write_page
from scout_spark.stages import STAGES

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def parse(*argv: str) -> ReportOptions:
    parser = base_parser("report", "test")
    add_stage_arguments("report", parser)
    return invocation(STAGES["report"], parser.parse_args(list(argv))).options


def test_report_is_a_registered_stage() -> None:
    assert STAGES["report"].options is ReportOptions


def test_report_options_default_to_30_days_and_the_env_file() -> None:
    options = parse("--env", "staging")

    assert options.days == 30
    assert output_path(options, "staging") == Path("reports/scout-report-staging.html")
    assert default_output("prod") == Path("reports") / "scout-report-prod.html"


def test_report_options_take_output_and_days() -> None:
    options = parse("--output", "out/r.html", "--days", "7")

    assert (options.days, output_path(options, "dev")) == (7, Path("out/r.html"))


@pytest.mark.parametrize("days", ["0", "-3", "week"])
def test_report_days_must_be_a_positive_whole_number(days: str) -> None:
    with pytest.raises(SystemExit):
        parse("--days", days)


@pytest.mark.parametrize("days", [0, -3, True])
def test_report_options_refuse_days_below_one_in_process_too(days: int) -> None:
    with pytest.raises(ConfigError, match="--days must be a whole number"):
        ReportOptions(days=days)


def test_report_output_must_be_a_local_path() -> None:
    with pytest.raises(ConfigError, match="local file path"):
        parse("--output", "s3a://bucket/report.html")


def test_write_page_creates_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.html"

    written = write_page(target, "<p>first</p>")
    write_page(target, "<p>second</p>")

    assert written == target.resolve()
    assert target.read_text(encoding="utf-8") == "<p>second</p>"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def stage_run(stage: str, hours: int, status: str, score: float | None) -> StageRun:
    return StageRun(f"run-{hours}", stage, status, T0 + timedelta(hours=hours), 1.0, 1, 1, 0, score)


def test_quality_trend_keeps_scored_succeeded_silver_runs_and_parts_in_time_order() -> None:
    runs = [
        stage_run("silver", 5, "succeeded", 0.95),
        stage_run("silver", 1, "succeeded", 0.9),
        stage_run("silver.items", 1, "succeeded", 0.8),
        stage_run("silver", 3, "failed", 0.1),
        stage_run("silver", 4, "skipped", None),
        stage_run("gold", 2, "succeeded", 1.0),
        stage_run("silverish", 2, "succeeded", 0.5),
    ]

    trend = quality_trend(runs)

    assert [(p.series, p.run_id, p.score) for p in trend] == [
        ("silver", "run-1", 0.9),
        ("silver.items", "run-1", 0.8),
        ("silver", "run-5", 0.95),
    ]
