"""--as-of-version / --as-of-timestamp: a stage reads its inputs as of an earlier state.

Every job accepts them. A stage asks `input_version` for the version of each input table
it reads; without the options that is the latest version. Reading an earlier state means
rebuilding from it, so the options need --full-refresh; the stage's checkpoint then
records the pinned versions and the next incremental run picks up what came after.
"""

import argparse
from datetime import UTC, datetime

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.errors import ConfigError, ScoutError
from scout_spark.lake import delta_sql
from scout_spark.lake.writes import table_version


def parse_pin(text: str) -> tuple[str, int]:
    """TABLE=VERSION (e.g. silver/transactions=12), as an argparse type."""
    name, sep, number = text.partition("=")
    if not sep or not name or not number.isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected TABLE=VERSION, e.g. silver/transactions=12"
        )
    return name, int(number)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 timestamp (UTC when it has no offset), as an argparse type."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a timestamp (e.g. 2026-11-25T08:00:00+08:00)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def add_as_of_arguments(parser: argparse.ArgumentParser) -> None:
    """The time-travel options every job has."""
    parser.add_argument(
        "--as-of-version", type=parse_pin, action="append", default=[], metavar="TABLE=N",
        help="read input TABLE at Delta version N (repeatable; needs --full-refresh)",
    )  # fmt: skip
    parser.add_argument(
        "--as-of-timestamp", type=parse_instant, default=None, metavar="TS",
        help="read every input as of TS, ISO 8601 (needs --full-refresh)",
    )  # fmt: skip


def _version_at(spark: SparkSession, path: str, instant: datetime) -> int | None:
    cutoff = instant.astimezone(UTC).replace(tzinfo=None)  # the session time zone is UTC
    row = (
        delta_sql.history(spark, path)
        .filter(F.col("timestamp") <= F.lit(cutoff))
        .agg(F.max("version"))
        .first()
    )
    return None if row is None or row[0] is None else int(row[0])


def input_version(
    spark: SparkSession, args: argparse.Namespace, name: str, path: str
) -> int | None:
    """The version of input `name` this run reads: pinned by --as-of-*, else the latest."""
    latest = table_version(spark, path)
    pins = dict(getattr(args, "as_of_version", None) or [])
    instant = getattr(args, "as_of_timestamp", None)
    if latest is None or (name not in pins and instant is None):
        return latest
    if not getattr(args, "full_refresh", False):
        raise ConfigError("--as-of-version/--as-of-timestamp rebuild from an earlier state: "
                          "add --full-refresh")  # fmt: skip
    if name in pins:
        if pins[name] > latest:
            raise ScoutError(f"{name} has no version {pins[name]} (latest is {latest})")
        return pins[name]
    version = _version_at(spark, path, instant)
    if version is None:
        raise ScoutError(f"{name} did not exist yet at {instant.isoformat()}")
    return version
