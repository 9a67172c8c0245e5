"""The run ledger: one Delta table under <lake_root>/_ops/ with a row per stage event.

A stage appends a `running` row when it starts and a final row (`succeeded`, `failed`,
`skipped`) when it ends, in one commit with a row per part (`silver.transactions`) and,
in a run of several stages, the next stage's `running` row;
`latest_ledger` keeps the newest row per (run_id, stage).
"""

from datetime import UTC, datetime

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.context import RunIdentity
from scout_spark.lake.tables import RUN_LEDGER, delta_target, table_path
from scout_spark.lake.writes import blind_append
from scout_spark.results import StageResult

LEDGER_SCHEMA = T.StructType(
    [
        T.StructField("run_id", T.StringType(), False),
        T.StructField("pipeline_run_id", T.StringType(), False),
        T.StructField("pipeline_name", T.StringType(), False),
        T.StructField("env", T.StringType(), False),
        T.StructField("stage", T.StringType(), False),
        T.StructField("status", T.StringType(), False),
        T.StructField("records_read", T.LongType(), True),
        T.StructField("records_written", T.LongType(), True),
        T.StructField("records_quarantined", T.LongType(), True),
        T.StructField("duplicates_collapsed", T.LongType(), True),
        T.StructField("data_quality_score", T.DoubleType(), True),
        T.StructField("versions_before", T.MapType(T.StringType(), T.LongType()), True),
        T.StructField("versions_after", T.MapType(T.StringType(), T.LongType()), True),
        T.StructField("metrics", T.MapType(T.StringType(), T.StringType()), True),
        T.StructField("error_message", T.StringType(), True),
        T.StructField("started_at", T.TimestampType(), False),
        T.StructField("finished_at", T.TimestampType(), True),
        T.StructField("duration_seconds", T.DoubleType(), True),
        T.StructField("recorded_at", T.TimestampType(), False),
    ]
)


def ledger_path(config: Config) -> str:
    """Location of the run ledger table."""
    return table_path(config, RUN_LEDGER)


def _row(
    config: Config,
    who: RunIdentity,
    status: str,
    result: StageResult | None = None,
    error: str | None = None,
) -> tuple:
    now = datetime.now(UTC)
    finished = None if status == "running" else now
    res = result or StageResult(status=status)
    before = {k: v.before for k, v in res.tables.items() if v.before is not None}
    after = {k: v.after for k, v in res.tables.items() if v.after is not None}
    return (
        who.run_id, who.pipeline_run_id, config.pipeline_name, config.env, who.stage, status,
        res.records_read, res.records_written, res.records_quarantined, res.duplicates_collapsed,
        res.data_quality_score, before, after, dict(res.metrics), error,
        who.started_at, finished,
        None if finished is None else (finished - who.started_at).total_seconds(), now,
    )  # fmt: skip


def record(
    spark: SparkSession,
    config: Config,
    who: RunIdentity,
    status: str,
    result: StageResult | None = None,
    error: str | None = None,
) -> None:
    """Append one ledger row (a Delta commit of its own)."""
    _append(spark, config, [_row(config, who, status, result, error)])


def record_result(
    spark: SparkSession,
    config: Config,
    who: RunIdentity,
    result: StageResult,
    starting: RunIdentity | None = None,
) -> None:
    """Append a finished stage's row and a row per part (`<stage>.<part>`) in one commit,
    with the `running` row of the stage `starting` next, if any."""
    rows = [
        _row(config, RunIdentity(who.run_id, who.pipeline_run_id, f"{who.stage}.{part}",
                                 who.started_at), part_result.status, part_result)
        for part, part_result in result.parts.items()
    ]  # fmt: skip
    rows.append(_row(config, who, result.status, result))
    if starting is not None:
        rows.append(_row(config, starting, "running"))
    _append(spark, config, rows)


def _append(spark: SparkSession, config: Config, rows: list[tuple]) -> None:
    blind_append(delta_target(config, RUN_LEDGER), spark.createDataFrame(rows, LEDGER_SCHEMA))


def read_ledger(spark: SparkSession, config: Config) -> DataFrame:
    """Every ledger row ever written."""
    return spark.read.format("delta").load(ledger_path(config))


def latest_ledger(ledger_df: DataFrame) -> DataFrame:
    """Needs the ledger columns; keeps the newest row per (run_id, stage)."""
    newest_first = Window.partitionBy("run_id", "stage").orderBy(F.col("recorded_at").desc())
    return (
        ledger_df.withColumn("_rank", F.row_number().over(newest_first))
        .filter(F.col("_rank") == 1)
        .drop("_rank")
    )
