"""The monitor stage: freshness, volume, zero-row runs, date gaps and reconciliation.

Every check yields rows (scout_spark.health_checks) appended to `platinum/run_monitors`; the
stage's ledger rows carry the summary (checks, alerts, skipped, `alert.<monitor>.<subject>`)
on the `monitor.checks` part and, when the stage succeeds, on the `monitor` row too. With
--fail-on-alert and any alert, the `monitor.checks` row is recorded (succeeded: the checks
ran and were written) and the stage then fails, naming the alerts; otherwise alerts are
printed one per line and the stage succeeds.
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import psycopg
from pyspark.errors import AnalysisException
from pyspark.sql import types as T

from scout_spark.console import say
from scout_spark.context import RunContext, RunIdentity
from scout_spark.errors import ScoutError, error_line
from scout_spark.health_checks.date_gaps import check_date_gaps
from scout_spark.health_checks.freshness import check_freshness
from scout_spark.health_checks.reconciliation import compare_daily_totals, not_checked, skipped
from scout_spark.health_checks.results import (
    MonitorResult,
    alert_message,
    alerts_of,
    summary_metrics,
)
from scout_spark.health_checks.volume import check_volumes
from scout_spark.health_checks.zero_rows import check_zero_rows
from scout_spark.lake.tables import RUN_MONITORS, delta_target
from scout_spark.lake.writes import append
from scout_spark.pipelines import monitor_inputs as inputs
from scout_spark.publish.connection import safe_message
from scout_spark.publish.published import read_published
from scout_spark.records import ledger
from scout_spark.results import StageResult, TableVersions
from scout_spark.runtime.jvm import unpersist
from scout_spark.schemas import DATASETS

CHECKS_PART = "checks"
RUN_MONITORS_SCHEMA = T.StructType(
    [
        T.StructField("run_id", T.StringType(), False),
        T.StructField("pipeline_run_id", T.StringType(), False),
        T.StructField("checked_at", T.TimestampType(), False),
        T.StructField("monitor", T.StringType(), False),
        T.StructField("subject", T.StringType(), False),
        T.StructField("status", T.StringType(), False),  # ok | alert | skipped
        T.StructField("observed", T.DoubleType(), True),
        T.StructField("expected", T.DoubleType(), True),
        T.StructField("detail", T.StringType(), True),
    ]
)


class MonitorAlertError(ScoutError):
    """--fail-on-alert was given and at least one monitor is in alert."""


@dataclass(frozen=True)
class MonitorOptions:
    """--fail-on-alert: exit 1 when any monitor is in alert (after recording every result)."""

    fail_on_alert: bool = False


def _gold_vs_silver(ctx: RunContext) -> MonitorResult:
    subject = "gold_vs_silver"
    cfg = ctx.config.monitors.reconciliation
    totals = inputs.gold_silver_totals(ctx.spark, ctx.config, cfg.lookback_days)
    if totals is None:
        return skipped(subject, "neither gold nor silver transactions exist yet")
    result = compare_daily_totals(
        totals.gold, totals.silver, subject=subject, names=("gold", "silver"),
        tolerance=_tolerance(cfg.money_tolerance),
    )  # fmt: skip
    return dataclasses.replace(result, detail=f"{result.detail} ({totals.versions})")


def _postgres_vs_gold(ctx: RunContext) -> MonitorResult:
    subject, pg = "postgres_vs_gold", ctx.config.postgres
    try:
        published = read_published(pg)
    except ScoutError as exc:  # unreachable, or no password: the dashboard is unverified
        return not_checked(subject, str(exc))
    except psycopg.Error as exc:
        return not_checked(subject, f"Postgres: {safe_message(exc, pg)}")
    if published is None:
        return skipped(subject, f"nothing published to schema {pg.schema} yet")
    if published.gold_version is None:
        return skipped(subject, "the last publish recorded no gold/transactions version")
    try:
        gold = inputs.published_gold_totals(ctx.spark, ctx.config, published)
    except AnalysisException as exc:
        reason = error_line(exc)
        return not_checked(subject, f"gold/transactions v{published.gold_version}: {reason}")
    result = compare_daily_totals(
        published.postgres, gold, subject=subject, names=("postgres", "gold"),
        tolerance=_tolerance(ctx.config.monitors.reconciliation.money_tolerance),
    )  # fmt: skip
    scope = f"gold v{published.gold_version}, window from {published.window_start}"
    return dataclasses.replace(result, detail=f"{result.detail} ({scope})")


def _tolerance(money: float) -> Decimal:
    return Decimal(str(money)).quantize(Decimal("0.01"))


def run_checks(ctx: RunContext) -> list[MonitorResult]:
    """Every monitor's results, in a fixed order."""
    spark, config, monitors = ctx.spark, ctx.config, ctx.config.monitors
    ledger_df = inputs.read_final_ledger(spark, config)
    try:
        results = check_freshness(
            inputs.newest_ingests(spark, config, DATASETS),
            max_hours=dataclasses.asdict(monitors.freshness_hours),
            now=ctx.who.started_at,
        )
        runs = inputs.ingest_runs(
            ledger_df, datasets=DATASETS, baseline_runs=monitors.volume.baseline_runs
        )
        results += check_volumes(runs, datasets=DATASETS, rule=monitors.volume)
        stages = monitors.zero_rows.stages
        latest = inputs.latest_stage_runs(ledger_df, stages=stages, datasets=DATASETS)
        results += check_zero_rows(latest, stages=stages, datasets=DATASETS)
    finally:
        if ledger_df is not None:
            unpersist(ledger_df)
    gaps = monitors.date_gaps
    results += [
        check_date_gaps(
            inputs.ingested_paths(spark, config, dataset),
            dataset=dataset,
            lookback_days=gaps.lookback_days,
            until=ctx.run_date,
        )
        for dataset in gaps.datasets
    ]
    return [*results, _gold_vs_silver(ctx), _postgres_vs_gold(ctx)]


def write_results(ctx: RunContext, results: list[MonitorResult]) -> TableVersions:
    """Append the results to platinum/run_monitors (created on the first run)."""
    who = ctx.who
    rows = [
        (who.run_id, who.pipeline_run_id, who.started_at, r.monitor, r.subject, r.status,
         r.observed, r.expected, r.detail)
        for r in results
    ]  # fmt: skip
    results_df = ctx.spark.createDataFrame(rows, RUN_MONITORS_SCHEMA)
    return append(ctx.spark, delta_target(ctx.config, RUN_MONITORS), results_df)


def _summary(results: list[MonitorResult]) -> str:
    alerts = alerts_of(results)
    named = f" ({', '.join(r.name for r in alerts)})" if alerts else ""
    skips = sum(r.status == "skipped" for r in results)
    return f"{len(results)} checks, {len(alerts)} alerts{named}, {skips} skipped"


def run_monitor(ctx: RunContext[MonitorOptions]) -> StageResult:
    """The monitor stage (see the module docstring)."""
    results = run_checks(ctx)
    target = delta_target(ctx.config, RUN_MONITORS)
    versions = write_results(ctx, results)
    for result in alerts_of(results):
        say(f"  monitor alert {result.name}: {result.detail}")
    checks = StageResult(
        records_written=len(results),
        tables={target.name: versions},
        metrics=summary_metrics(results),
        summary=_summary(results),
    )
    message = alert_message(results)
    if message and ctx.options.fail_on_alert:
        # The runner's failed row carries only the error: the figures go on the part row.
        who = ctx.who
        part = RunIdentity(who.run_id, who.pipeline_run_id, f"{who.stage}.{CHECKS_PART}",
                           who.started_at)  # fmt: skip
        ledger.record(ctx.spark, ctx.config, part, "succeeded", result=checks)
        raise MonitorAlertError(message)
    return dataclasses.replace(checks, parts={CHECKS_PART: checks})
