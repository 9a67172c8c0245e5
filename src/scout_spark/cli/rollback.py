"""`jobs/rollback.py --run-id R`: restore what run R wrote, then republish, in one session."""

import argparse
import sys
from collections.abc import Sequence

from pyspark.sql import SparkSession

from scout_spark.cli.args import base_parser
from scout_spark.cli.pipeline import stage_call
from scout_spark.cli.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, new_run_id, run_in_order
from scout_spark.config import Config, load_config
from scout_spark.errors import ScoutError
from scout_spark.runtime.error_text import describe_error
from scout_spark.session import build_spark_session
from scout_spark.stages import STAGES


def parser() -> argparse.ArgumentParser:
    """The options of jobs/rollback.py (--run-id names the run to roll back)."""
    parser = base_parser("rollback", __doc__ or "")
    parser.add_argument("--force", action="store_true", help="also undo later runs' commits")
    parser.add_argument("--no-publish", action="store_true", help="restore the lake only")
    return parser


def roll_back(spark: SparkSession, config: Config, args: argparse.Namespace) -> int:
    """Stage `rollback` for run args.run_id, then a full republish, as one ledger run."""
    own = new_run_id("rollback")
    steps = [(STAGES["rollback"], stage_call("rollback", args, own, target_run=args.run_id))]
    if not args.no_publish:  # rollback's --force goes to the rollback stage
        steps.append((STAGES["publish"], stage_call("publish", args, own, full_refresh=True)))
    return EXIT_OK if run_in_order(spark, config, steps) is None else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of jobs/rollback.py: returns the process exit code."""
    args = parser().parse_args(argv)
    if not args.run_id:
        print("scout rollback: error: --run-id R is required (a stage or pipeline run id)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    try:
        config = load_config(args.env, args.config, args.overrides)
        spark = build_spark_session(config)
    except ScoutError as exc:
        print(f"scout rollback: error: {describe_error(exc, None)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return roll_back(spark, config, args)
    finally:
        spark.stop()
