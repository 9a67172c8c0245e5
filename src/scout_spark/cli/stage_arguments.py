"""Each stage's own command-line options; their names are the fields of its options
dataclass (stages.py), which checks them."""

import argparse
from collections.abc import Callable

from scout_spark.cli.args import date_argument
from scout_spark.ops.maintain import LAYERS
from scout_spark.publish.binary_copy import AUTO, STREAMS
from scout_spark.report.stage import DEFAULT_DAYS
from scout_spark.schemas import DATASETS

Adder = Callable[[argparse.ArgumentParser], None]


def _dates(parser: argparse.ArgumentParser, first: str, last: str, what: str = "") -> None:
    """A date range's two options: both or neither (checked by the stage's options)."""
    for flag, other, side in ((first, last, "after"), (last, first, "before")):
        text = f"{what} on or {side} this date (with {other})" if what else None
        parser.add_argument(flag, type=date_argument, default=None, metavar="YYYY-MM-DD", help=text)


def _bronze(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=[*DATASETS, "all"], default="all")
    _dates(parser, "--backfill-from", "--backfill-to", "read the archive's files dated")


def _silver(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full-refresh", action="store_true", help="rebuild from all of bronze")
    _dates(parser, "--from-date", "--to-date", "reprocess bronze rows ingested")
    parser.add_argument(
        "--replay-quarantine", action="store_true",
        help="check quarantined rows again; move the passing ones into silver",
    )  # fmt: skip
    parser.add_argument(
        "--quality-rules", default=None, metavar="FILE",
        help="rules file (default: conf/quality_rules.yaml)",
    )  # fmt: skip


def _build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full-refresh", action="store_true", help="rebuild every date")
    _dates(parser, "--from-date", "--to-date", "rebuild the sales dates")


def _publish(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full-refresh", action="store_true", help="republish every table in full")
    parser.add_argument(
        "--migrate-only", action="store_true", help="apply the SQL migrations, publish nothing"
    )
    parser.add_argument(
        "--stream", choices=STREAMS, default=AUTO,
        help="how the encoded rows reach the driver: socket (classic only), iterator "
        "(toLocalIterator, also over Spark Connect); auto: socket on classic (default)",
    )  # fmt: skip


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1")
    return value


def _report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", default=None, metavar="PATH",
        help="HTML file to write (default: reports/scout-report-<env>.html, folders created)",
    )  # fmt: skip
    parser.add_argument(
        "--days", type=_positive_int, default=DEFAULT_DAYS, metavar="N",
        help=f"days of run history to show (default: {DEFAULT_DAYS})",
    )  # fmt: skip


def _monitor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on-alert", action="store_true",
        help="exit 1 when any monitor is in alert (after recording every result)",
    )  # fmt: skip


def _rollback(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target-run", required=False, help="run id to roll back")
    parser.add_argument(
        "--force", action="store_true", help="roll back even if later runs wrote the same tables"
    )


def _maintain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layer", action="append", choices=LAYERS, help="(repeatable; default all)"
    )
    parser.add_argument(
        "--retention-hours", type=int, default=None,
        help="VACUUM retention for this run (never below maintenance.rollback_window_hours)",
    )  # fmt: skip
    parser.add_argument("--skip-optimize", action="store_true")
    parser.add_argument("--skip-vacuum", action="store_true")
    parser.add_argument("--dry-run", action="store_true", help="list what VACUUM would delete")


STAGE_ARGUMENTS: dict[str, Adder] = {
    "bronze": _bronze,
    "silver": _silver,
    "gold": _build,
    "platinum": _build,
    "publish": _publish,
    "report": _report,
    "monitor": _monitor,
    "rollback": _rollback,
    "maintain": _maintain,
}


def add_stage_arguments(stage: str, parser: argparse.ArgumentParser) -> None:
    """Stage `stage`'s own options on `parser` (none for a stage without any)."""
    adder = STAGE_ARGUMENTS.get(stage)
    if adder is not None:
        adder(parser)
