"""`run_pipeline`: bronze, silver, gold, platinum, publish and monitor in one Spark session."""

import argparse
import dataclasses
import time
from collections.abc import Sequence

from pyspark.sql import SparkSession

from scout_spark.cli.args import base_parser
from scout_spark.cli.runner import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Invocation,
    invocation,
    new_run_id,
    run_in_order,
)
from scout_spark.config import Config, load_config
from scout_spark.console import say
from scout_spark.errors import ScoutError, SetupError
from scout_spark.runtime.error_text import describe_error
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


def stage_call(name: str, shared: argparse.Namespace, run_id: str, **options: object) -> Invocation:
    """Stage `name`'s run within pipeline run `run_id`: the pipeline's shared options that
    the stage has, and `options`, over the stage's defaults."""
    call = invocation(STAGES[name], shared, **options)
    return dataclasses.replace(call, run_id=f"{run_id}-{name}", pipeline_run_id=run_id)


def pipeline_calls(
    stages: Sequence[str], args: argparse.Namespace, run_id: str
) -> dict[str, Invocation]:
    """Every stage's run, checked before anything starts."""
    return {name: stage_call(name, args, run_id) for name in stages}


def run_stages(
    spark: SparkSession, config: Config, calls: dict[str, Invocation], run_id: str
) -> int:
    """Run the stages of `calls` in order under pipeline run `run_id`; stop at the first failure."""
    started = time.monotonic()
    steps = [(STAGES[name], call) for name, call in calls.items()]
    failed = run_in_order(
        spark, config, steps, lambda number, stage: _say(f"[{number}/{len(steps)}] {stage.name}")
    )
    if failed is not None:
        _say(
            f"stopped at {failed.name}: it failed (see above); later stages not run (run {run_id})"
        )
        return EXIT_FAILED
    _say(f"{len(calls)} stages in {time.monotonic() - started:.0f}s (run {run_id})")
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
    run_id = args.run_id or new_run_id("pipeline")
    try:
        calls = pipeline_calls(pipeline_stages(args.from_stage, args.to_stage), args, run_id)
        config = load_config(args.env, args.config, args.overrides)
        spark = build_spark_session(config)
    except ScoutError as exc:
        _say(f"error: {describe_error(exc, None)}")
        return EXIT_FAILED if isinstance(exc, SetupError) else EXIT_USAGE
    try:
        return run_stages(spark, config, calls, run_id)
    finally:
        spark.stop()
