"""The arguments every job accepts, and the argparse types of dates, instants and pins."""

import argparse
import os
import re
from datetime import UTC, date, datetime

from scout_spark.lake.as_of import AsOf

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_argument(text: str) -> date:
    """YYYY-MM-DD -> date, as an argparse type."""
    if not _DATE.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def pin_argument(text: str) -> tuple[str, int]:
    """TABLE=VERSION (e.g. silver/transactions=12), as an argparse type."""
    name, sep, number = text.partition("=")
    if not sep or not name or not number.isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected TABLE=VERSION, e.g. silver/transactions=12"
        )
    return name, int(number)


def instant_argument(text: str) -> datetime:
    """An ISO 8601 timestamp (UTC when it has no offset), as an argparse type."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a timestamp (e.g. 2026-11-25T08:00:00+08:00)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def as_of_of(args: argparse.Namespace) -> AsOf:
    """The --as-of-version pins and --as-of-timestamp of parsed arguments."""
    return AsOf(dict(args.as_of_version or []), args.as_of_timestamp)


def base_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """--env/--config/--set/--run-date, run ids and time travel, shared by every job."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--env",
        default=os.environ.get("SCOUT_ENV", "local"),
        help="local, dev, staging or prod (default: $SCOUT_ENV or local)",
    )
    parser.add_argument(
        "--config", action="append", default=[], metavar="FILE", help="YAML overlay (repeatable)"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
        help="override one config value, e.g. --set spark.shuffle_partitions=8 (repeatable)",
    )  # fmt: skip
    parser.add_argument("--run-date", type=date_argument, default=None, help="YYYY-MM-DD")
    parser.add_argument("--run-id", default=None, help="id for this stage run (default: new)")
    parser.add_argument("--pipeline-run-id", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="print full tracebacks")
    parser.add_argument(
        "--as-of-version", type=pin_argument, action="append", default=[], metavar="TABLE=N",
        help="read input TABLE at Delta version N (repeatable; needs --full-refresh)",
    )  # fmt: skip
    parser.add_argument(
        "--as-of-timestamp", type=instant_argument, default=None, metavar="TS",
        help="read every input as of TS, ISO 8601 (needs --full-refresh)",
    )  # fmt: skip
    return parser
