"""Writers that rebuild several tables in several commits mark the rebuild until it ends.

Gold replaces sales-date slices table by table; a run killed midway leaves some tables
rebuilt and others not, and its lock dies with it. Before its first write such a writer
appends a `started` row naming the dates it rebuilds (none: every date), and a
`finished` row after its last write: while the latest row of a writer is `started`, its
tables hold no state a finished run produced. The next run of the writer rebuilds those
dates too, and publish refuses to pin the tables meanwhile. The rows are one Delta table,
<lake>/_ops/unfinished_writes, whose commits carry the run id like every other: a
rollback of a run restores its marks with its tables.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.context import RunContext
from scout_spark.lake.tables import UNFINISHED_WRITES, delta_target, table_path
from scout_spark.lake.writes import append, read_version, table_version

STARTED, FINISHED = "started", "finished"
MARK_SCHEMA = T.StructType(
    [
        T.StructField("writer", T.StringType(), False),
        T.StructField("state", T.StringType(), False),  # started | finished
        T.StructField("dates", T.ArrayType(T.DateType(), False), True),  # None: every date
        T.StructField("run_id", T.StringType(), False),
        T.StructField("recorded_at", T.TimestampType(), False),
    ]
)


@dataclass(frozen=True)
class Unfinished:
    """A writer's rebuild that started and never finished."""

    run_id: str
    dates: list[date] | None  # None: every date


def unfinished(spark: SparkSession, config: Config, writer: str) -> Unfinished | None:
    """The writer's rebuild left unfinished, if its latest mark is a start."""
    path = table_path(config, UNFINISHED_WRITES)
    if table_version(spark, path) is None:
        return None
    latest = (
        read_version(spark, path)
        .filter(F.col("writer") == writer)
        .orderBy(F.col("recorded_at").desc())
        .first()
    )
    if latest is None or latest["state"] != STARTED:
        return None
    dates = latest["dates"]
    return Unfinished(latest["run_id"], None if dates is None else sorted(dates))


def with_unfinished(dates: list[date] | None, left: Unfinished | None) -> list[date] | None:
    """`dates` and the dates an unfinished run left half-rebuilt (None: every date)."""
    if left is None:
        return dates
    if dates is None or left.dates is None:
        return None
    return sorted(set(dates) | set(left.dates))


def _mark(ctx: RunContext, writer: str, state: str, dates: list[date] | None) -> None:
    row = (writer, state, dates, ctx.who.run_id, datetime.now(UTC))
    mark_df = ctx.spark.createDataFrame([row], MARK_SCHEMA)
    append(ctx.spark, delta_target(ctx.config, UNFINISHED_WRITES), mark_df)


def mark_started(ctx: RunContext, writer: str, dates: list[date] | None) -> None:
    """Record that `writer` starts rebuilding `dates` (None: every date)."""
    _mark(ctx, writer, STARTED, dates)


def mark_finished(ctx: RunContext, writer: str) -> None:
    """Record that `writer`'s rebuild is complete."""
    _mark(ctx, writer, FINISHED, None)
