"""`run_pipeline`: bronze, silver, gold, platinum, publish and monitor in one Spark session."""

import argparse
import time
from collections.abc import Sequence

from pyspark.sql import SparkSession

from scout_spark.cli.args import base_parser
from scout_spark.cli.errors import describe_error
from scout_spark.cli.runner import EXIT_FAILED, EXIT_OK, EXIT_USAGE, new_run_id, run_stage
from scout_spark.config import Config, load_config
from scout_spark.console import say
from scout_spark.errors import ScoutError, SetupError
from scout_spark.session import build_spark_session
from scout_spark.stages import STAGES

PIPELINE_ORDER = ("bronze", "silver", "gold", "platinum", "publish", "monitor")


def _say(message: str) -> None:
    say(f"scout run_pipeline: {message}")


def pipeline_stages(start: str, end: str) -> list[str]:
    """The stages from `start` to `end`, in pipeline order."""
    first, last = PIPELINE_ORDER.index(start), PIPELINE_ORDER.index(end)
    if first > last:
        raise ScoutError(f"--from-stage {start} comes after --to-stage {end}")
    return list(PIPELINE_ORDER[first : last + 1])


def stage_args(
    name: str, shared: argparse.Namespace, run_id: str, **options: object
) -> argparse.Namespace:
    """The stage's own defaults, the pipeline's shared options and `options` laid over them."""
    stage = STAGES[name]
    parser = base_parser(name, stage.description)
    stage.add_arguments(parser)
    args = parser.parse_args([])
    for key, value in vars(shared).items():
        if hasattr(args, key) and key != "run_id":
            setattr(args, key, value)
    vars(args).update(options)
    args.pipeline_run_id = run_id
    args.run_id = f"{run_id}-{name}"
    return args


def run_stages(
    spark: SparkSession,
    config: Config,
    stages: Sequence[str],
    args: argparse.Namespace,
    run_id: str,
) -> int:
    """Run `stages` in order under pipeline run `run_id`; stop at the first failure."""
    started = time.monotonic()
    for number, name in enumerate(stages, start=1):
        _say(f"[{number}/{len(stages)}] {name}")
        if run_stage(STAGES[name], spark, config, stage_args(name, args, run_id)) != EXIT_OK:
            _say(f"stopped at {name}: it failed (see above); later stages not run (run {run_id})")
            return EXIT_FAILED
    _say(f"{len(stages)} stages in {time.monotonic() - started:.0f}s (run {run_id})")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The options of jobs/run_pipeline.py."""
    parser = base_parser("run_pipeline", __doc__ or "")
    parser.add_argument("--from-stage", choices=PIPELINE_ORDER, default=PIPELINE_ORDER[0])
    parser.add_argument("--to-stage", choices=PIPELINE_ORDER, default=PIPELINE_ORDER[-1])
    parser.add_argument("--full-refresh", action="store_true", help="rebuild every layer")
    parser.add_argument(
        "--fail-on-alert", action="store_true", help="exit 1 when a monitor is in alert"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of jobs/run_pipeline.py: returns the process exit code."""
    args = parser().parse_args(argv)
    try:
        stages = pipeline_stages(args.from_stage, args.to_stage)
        config = load_config(args.env, args.config, args.overrides)
        spark = build_spark_session(config)
    except ScoutError as exc:
        _say(f"error: {describe_error(exc, None)}")
        return EXIT_FAILED if isinstance(exc, SetupError) else EXIT_USAGE
    try:
        return run_stages(spark, config, stages, args, args.run_id or new_run_id("pipeline"))
    finally:
        spark.stop()
