"""The arguments every job accepts."""

import argparse
import os
import re
from datetime import date

from scout_spark.lake.as_of import add_as_of_arguments

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> date:
    """YYYY-MM-DD -> date, as an argparse type."""
    if not _DATE.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def base_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """--env/--config/--set/--run-date and run ids, shared by every job."""
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
    parser.add_argument("--run-date", type=parse_date, default=None, help="YYYY-MM-DD")
    parser.add_argument("--run-id", default=None, help="id for this stage run (default: new)")
    parser.add_argument("--pipeline-run-id", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="print full tracebacks")
    add_as_of_arguments(parser)
    return parser
