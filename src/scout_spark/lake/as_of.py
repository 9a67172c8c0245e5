"""--as-of-version / --as-of-timestamp: a stage reads its inputs as of an earlier state.

Every job accepts them (cli/ parses them into an `AsOf`). A stage asks `input_version` for
the version of each input table it reads; without a pin that is the latest version.
Reading an earlier state means rebuilding from it, so a stage with --full-refresh needs
it (`check_full_refresh`, before Spark starts); the stage's checkpoint then records the
pinned versions and the next incremental run picks up what came after.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.errors import ConfigError, ScoutError
from scout_spark.lake import delta_sql
from scout_spark.lake.writes import table_version

NEEDS_FULL_REFRESH = (
    "--as-of-version/--as-of-timestamp rebuild from an earlier state: add --full-refresh"
)


@dataclass(frozen=True)
class AsOf:
    """Input tables pinned at versions, and/or every input as of an instant."""

    versions: Mapping[str, int] = field(default_factory=dict)
    timestamp: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.versions) or self.timestamp is not None

    def check_full_refresh(self, full_refresh: bool) -> None:
        """ConfigError unless a pinned read comes with --full-refresh."""
        if self and not full_refresh:
            raise ConfigError(NEEDS_FULL_REFRESH)


def _version_at(spark: SparkSession, path: str, instant: datetime) -> int | None:
    cutoff = instant.astimezone(UTC).replace(tzinfo=None)  # the session time zone is UTC
    row = (
        delta_sql.history(spark, path)
        .filter(F.col("timestamp") <= F.lit(cutoff))
        .agg(F.max("version"))
        .first()
    )
    return None if row is None or row[0] is None else int(row[0])


def input_version(spark: SparkSession, as_of: AsOf, name: str, path: str) -> int | None:
    """The version of input `name` this run reads: pinned by `as_of`, else the latest."""
    latest = table_version(spark, path)
    if latest is None or (name not in as_of.versions and as_of.timestamp is None):
        return latest
    if name in as_of.versions:
        pinned = as_of.versions[name]
        if pinned > latest:
            raise ScoutError(f"{name} has no version {pinned} (latest is {latest})")
        return pinned
    instant = as_of.timestamp
    assert instant is not None
    version = _version_at(spark, path, instant)
    if version is None:
        raise ScoutError(f"{name} did not exist yet at {instant.isoformat()}")
    return version
