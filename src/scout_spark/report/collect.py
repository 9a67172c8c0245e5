"""Gather everything the run report shows into one `ReportData`, reading with Spark."""

from datetime import datetime, timedelta

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.parallel import for_each
from scout_spark.report.lake_tables import (
    ROW_COUNT_METHOD,
    find_tables,
    read_table_rows,
)
from scout_spark.report.model import ReportData
from scout_spark.report.monitor_alerts import read_latest_check
from scout_spark.report.quarantine_reasons import read_quarantine_reasons
from scout_spark.report.run_history import quality_trend, read_run_history


def collect_report(
    spark: SparkSession,
    config: Config,
    *,
    days: int,
    now: datetime,
    exclude_run_id: str | None = None,
) -> ReportData:
    """Ledger history and quarantine of the last `days` days; tables and monitors as of now.

    `exclude_run_id` leaves out the report's own run, which is still `running`.
    """
    since = now - timedelta(days=days)
    runs = read_run_history(spark, config, since=since, exclude_run_id=exclude_run_id)
    tables = find_tables(spark, config)
    return ReportData(
        env=config.env,
        pipeline_name=config.pipeline_name,
        lake_root=config.lake.root,
        generated_at=now,
        days=days,
        runs=tuple(runs),
        tables=tuple(for_each(lambda t: read_table_rows(spark, t), tables)),
        quality=tuple(quality_trend(runs)),
        quarantine=tuple(read_quarantine_reasons(spark, tables, since=since)),
        monitors=read_latest_check(spark, config),
        notes=(
            "Run history: the latest row per run and stage of the run ledger "
            "(_ops/run_ledger under the lake root).",
            ROW_COUNT_METHOD,
            "Times are UTC.",
        ),
    )
