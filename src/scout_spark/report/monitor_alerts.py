"""Monitors in alert: the latest check recorded in platinum/run_monitors (if any)."""

from datetime import UTC, datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.lake.tables import RUN_MONITORS, table_path
from scout_spark.lake.writes import table_version
from scout_spark.report.model import MonitorAlert, MonitorCheck

MAX_ALERTS = 200


def monitors_path(config: Config) -> str:
    """Where the run monitors' results live."""
    return table_path(config, RUN_MONITORS)


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def select_latest_check(monitors_df: DataFrame) -> DataFrame:
    """Needs run_id and checked_at; the rows of the check (run_id) checked most recently."""
    newest = monitors_df.agg(F.max_by("run_id", "checked_at").alias("latest_run_id"))
    is_latest = F.col("run_id") == F.col("latest_run_id")
    return monitors_df.join(newest, on=is_latest, how="inner").drop("latest_run_id")


def read_latest_check(spark: SparkSession, config: Config) -> MonitorCheck | None:
    """The newest check's status counts and alert rows; None when there is no table or row."""
    path = monitors_path(config)
    if table_version(spark, path) is None:
        return None
    latest_df = select_latest_check(spark.read.format("delta").load(path))
    counts = (
        latest_df.groupBy("status")
        .agg(
            F.count(F.lit(1)).alias("rows"),
            F.max(F.col("checked_at").cast("double")).alias("checked_epoch"),
            F.first("run_id").alias("run_id"),
        )
        .collect()
    )
    if not counts:
        return None
    alerts = (
        latest_df.filter(F.col("status") == "alert")
        .select(
            "monitor",
            "subject",
            "observed",
            "expected",
            "detail",
            F.col("checked_at").cast("double").alias("checked_epoch"),
        )
        .orderBy("monitor", "subject")
        .limit(MAX_ALERTS)
        .collect()
    )
    return MonitorCheck(
        run_id=counts[0]["run_id"],
        checked_at=_instant(max(r["checked_epoch"] for r in counts)),
        status_counts={r["status"]: int(r["rows"]) for r in counts},
        alerts=tuple(
            MonitorAlert(
                monitor=r["monitor"],
                subject=r["subject"],
                observed=r["observed"],
                expected=r["expected"],
                detail=r["detail"],
                checked_at=_instant(r["checked_epoch"]),
            )
            for r in alerts
        ),
    )
