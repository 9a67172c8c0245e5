"""The `report` stage: read the ledger and the lake, write the run report's HTML page."""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scout_spark.context import RunContext
from scout_spark.errors import ConfigError
from scout_spark.report.collect import collect_report
from scout_spark.report.page import render_report
from scout_spark.results import StageResult

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class ReportOptions:
    """--output PATH (a local file; default per env) and --days N of run history."""

    output: str | None = None
    days: int = DEFAULT_DAYS

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 1:
            raise ConfigError(f"report: --days must be a whole number, at least 1: {self.days!r}")
        if self.output and "://" in self.output:
            raise ConfigError(f"report: --output must be a local file path, not {self.output}")


def default_output(env: str) -> Path:
    """reports/scout-report-<env>.html, relative to the current directory."""
    return Path("reports") / f"scout-report-{env}.html"


def output_path(options: ReportOptions, env: str) -> Path:
    """The local file the page goes to: --output, or the default for this env."""
    return Path(options.output) if options.output else default_output(env)


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


def run_report(ctx: RunContext[ReportOptions]) -> StageResult:
    """The report stage (see the module docstring)."""
    days = ctx.options.days
    target = output_path(ctx.options, ctx.config.env)
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
