"""The `report` stage: read the ledger and the lake, write the run report's HTML page."""

import argparse
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from scout_spark.cli.context import RunContext
from scout_spark.errors import ConfigError
from scout_spark.ops.results import StageResult
from scout_spark.report.collect import collect_report
from scout_spark.report.page import render_report

DEFAULT_DAYS = 30


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--output PATH and --days N."""
    parser.add_argument(
        "--output", default=None, metavar="PATH",
        help="HTML file to write (default: reports/scout-report-<env>.html, folders created)",
    )  # fmt: skip
    parser.add_argument(
        "--days", type=_positive_int, default=DEFAULT_DAYS, metavar="N",
        help=f"days of run history to show (default: {DEFAULT_DAYS})",
    )  # fmt: skip


def default_output(env: str) -> Path:
    """reports/scout-report-<env>.html, relative to the current directory."""
    return Path("reports") / f"scout-report-{env}.html"


def output_path(args: argparse.Namespace, env: str) -> Path:
    """The local file the page goes to: --output, or the default for this env."""
    chosen = getattr(args, "output", None)
    if chosen and "://" in str(chosen):
        raise ConfigError(f"report: --output must be a local file path, not {chosen}")
    return Path(chosen) if chosen else default_output(env)


def write_page(path: Path, page: str) -> Path:
    """Write the page atomically (temp file, then rename), creating folders; its full path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path.resolve()


def run_report(ctx: RunContext) -> StageResult:
    """The report stage (see the module docstring)."""
    days = getattr(ctx.args, "days", DEFAULT_DAYS)
    if not isinstance(days, int) or days < 1:
        raise ConfigError(f"report: --days must be at least 1, not {days!r}")
    target = output_path(ctx.args, ctx.config.env)
    data = collect_report(
        ctx.spark,
        ctx.config,
        days=days,
        now=datetime.now(UTC),
        exclude_run_id=ctx.who.run_id,
    )
    written = write_page(target, render_report(data))
    alerts = "none" if data.monitors is None else str(len(data.monitors.alerts))
    return StageResult(
        records_read=len(data.runs),
        metrics={
            "output": str(written),
            "days": str(days),
            "stage_runs": str(len(data.runs)),
            "tables": str(len(data.tables)),
            "quarantine_reasons": str(len(data.quarantine)),
            "monitors_in_alert": alerts,
        },
        summary=(
            f"wrote {written}: {len(data.runs)} ledger runs in {days} days, "
            f"{len(data.tables)} tables, monitors in alert: {alerts}"
        ),
    )
