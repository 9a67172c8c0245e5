"""Run history and the silver quality trend, read from the run ledger with Spark."""

from datetime import UTC, datetime

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.lake.writes import table_version
from scout_spark.records.ledger import latest_ledger, ledger_path, read_ledger
from scout_spark.report.model import QualityPoint, StageRun
from scout_spark.report.text import shorten
from scout_spark.runtime.error_text import redact

MAX_ERROR_CHARS = 400


def select_run_history(
    ledger_df: DataFrame, *, since: datetime, exclude_run_id: str | None = None
) -> DataFrame:
    """Needs the ledger columns; the newest row per (run_id, stage) started at or after
    `since` (except run `exclude_run_id`), started_at as epoch seconds (started_epoch)."""
    is_recent = F.col("started_at").cast("double") >= F.lit(since.timestamp())
    is_other_run = F.lit(True) if exclude_run_id is None else F.col("run_id") != exclude_run_id
    return (
        latest_ledger(ledger_df)
        .filter(is_recent & is_other_run)
        .select(
            "run_id",
            "stage",
            "status",
            F.col("started_at").cast("double").alias("started_epoch"),
            "duration_seconds",
            "records_read",
            "records_written",
            "records_quarantined",
            "data_quality_score",
            "error_message",
        )
        .orderBy("started_epoch", "stage")
    )


def read_run_history(
    spark: SparkSession, config: Config, *, since: datetime, exclude_run_id: str | None = None
) -> list[StageRun]:
    """Every stage and part run since `since`, oldest first; empty when there is no ledger."""
    if table_version(spark, ledger_path(config)) is None:
        return []
    history_df = select_run_history(
        read_ledger(spark, config), since=since, exclude_run_id=exclude_run_id
    )
    return [
        StageRun(
            run_id=row["run_id"],
            stage=row["stage"],
            status=row["status"],
            started_at=datetime.fromtimestamp(row["started_epoch"], UTC),
            duration_seconds=row["duration_seconds"],
            records_read=row["records_read"],
            records_written=row["records_written"],
            records_quarantined=row["records_quarantined"],
            data_quality_score=row["data_quality_score"],
            error_message=(
                None
                if row["error_message"] is None
                else shorten(redact(row["error_message"], config), MAX_ERROR_CHARS)
            ),
        )
        for row in history_df.collect()
    ]


def quality_trend(runs: list[StageRun]) -> list[QualityPoint]:
    """The score of each succeeded silver run and of its dataset parts, oldest first."""
    return [
        QualityPoint(run.stage, run.run_id, run.started_at, run.data_quality_score)
        for run in sorted(runs, key=lambda r: r.started_at.timestamp())
        if (run.stage == "silver" or run.stage.startswith("silver."))
        and run.status == "succeeded"
        and run.data_quality_score is not None
    ]
