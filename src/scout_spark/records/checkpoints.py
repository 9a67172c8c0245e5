"""Consumer checkpoints: the source versions silver, gold and platinum last consumed.

One Delta table, <lake>/_ops/checkpoints, with a row per (consumer, source) each time a
consumer moves on; a consumer's checkpoint is its latest row per source.
"""

from datetime import UTC, datetime

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.context import RunContext
from scout_spark.lake.tables import CHECKPOINTS, delta_target, table_path
from scout_spark.lake.writes import append, read_version, table_version

CHECKPOINT_SCHEMA = T.StructType(
    [
        T.StructField("consumer", T.StringType(), False),
        T.StructField("source", T.StringType(), False),
        T.StructField("version", T.LongType(), False),
        T.StructField("run_id", T.StringType(), False),
        T.StructField("recorded_at", T.TimestampType(), False),
    ]
)


def read_checkpoints(spark: SparkSession, config: Config, consumer: str) -> dict[str, int]:
    """Source table -> the version `consumer` last consumed (its latest checkpoint row)."""
    path = table_path(config, CHECKPOINTS)
    if table_version(spark, path) is None:
        return {}
    rows = (
        read_version(spark, path)
        .filter(F.col("consumer") == consumer)
        .select("source", "version", "recorded_at")
        .collect()  # a handful of rows per run: cheaper than a shuffle
    )
    latest: dict[str, tuple[datetime, int]] = {}
    for row in rows:
        if row["source"] not in latest or row["recorded_at"] > latest[row["source"]][0]:
            latest[row["source"]] = (row["recorded_at"], int(row["version"]))
    return {source: version for source, (_, version) in latest.items()}


def save_checkpoints(ctx: RunContext, consumer: str, versions: dict[str, int | None]) -> None:
    """Record the source versions `consumer` has consumed (a blind append: never conflicts)."""
    now = datetime.now(UTC)
    rows = [(consumer, s, v, ctx.who.run_id, now) for s, v in versions.items() if v is not None]
    checkpoint_df = ctx.spark.createDataFrame(rows, CHECKPOINT_SCHEMA)
    append(ctx.spark, delta_target(ctx.config, CHECKPOINTS), checkpoint_df)
