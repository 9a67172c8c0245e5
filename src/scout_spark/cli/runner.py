"""The one runner behind every job: args, config, session, stage, ledger, exit code."""

import argparse
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

from pyspark.sql import SparkSession

from scout_spark.cli.args import as_of_of, base_parser
from scout_spark.cli.stage_arguments import add_stage_arguments
from scout_spark.config import Config, load_config
from scout_spark.console import say
from scout_spark.context import RunContext, RunIdentity
from scout_spark.errors import ScoutError, SetupError
from scout_spark.lake.as_of import AsOf
from scout_spark.lake.commit_tag import tagged_commits
from scout_spark.records import ledger
from scout_spark.results import StageResult
from scout_spark.runtime.error_text import describe_error
from scout_spark.runtime.jvm import job_group
from scout_spark.runtime.memory_failure import out_of_memory_line
from scout_spark.session import build_spark_session
from scout_spark.stages import STAGES, Stage, stage_options

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def new_run_id(stage: str) -> str:
    """Sortable, unique: <stage>-<UTC time>-<random>."""
    return f"{stage}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _say(stage: str, message: str) -> None:
    say(f"scout {stage}: {message}")


@dataclass(frozen=True)
class Invocation:
    """One stage run as the command line asked for it: its checked options, ids, as-of."""

    options: Any
    run_id: str | None = None
    pipeline_run_id: str | None = None
    run_date: date | None = None
    as_of: AsOf = field(default_factory=AsOf)
    verbose: bool = False


def invocation(stage: Stage, args: argparse.Namespace, **options: object) -> Invocation:
    """`stage`'s run from parsed arguments (the option fields they hold) and `options`;
    ConfigError for a bad combination, before any Spark session."""
    held = {f.name: getattr(args, f.name) for f in fields(stage.options) if hasattr(args, f.name)}
    as_of = as_of_of(args)
    return Invocation(
        stage_options(stage, held | options, as_of),
        run_id=args.run_id, pipeline_run_id=args.pipeline_run_id, run_date=args.run_date,
        as_of=as_of, verbose=args.verbose,
    )  # fmt: skip


def run_stage(stage: Stage, spark: SparkSession, config: Config, call: Invocation) -> int:
    """Run one stage in an existing session, with ledger rows on start and end; its Spark
    jobs, the ledger's included, carry the stage's name as their job group."""
    return EXIT_OK if run_in_order(spark, config, [(stage, call)]) is None else EXIT_FAILED


def run_in_order(
    spark: SparkSession,
    config: Config,
    steps: Sequence[tuple[Stage, Invocation]],
    on_start: Callable[[int, Stage], None] = lambda number, stage: None,
) -> Stage | None:
    """Run `steps` one after the other (`on_start` told each one's number, from 1); the
    stage that failed, later ones not run, or None. A stage's final ledger row and the next
    stage's `running` row are one commit, made in the finishing stage's job group."""
    announced: RunIdentity | None = None
    for number, (stage, call) in enumerate(steps, start=1):
        on_start(number, stage)
        following = steps[number] if number < len(steps) else None
        with job_group(spark, stage.name):
            succeeded, announced = _run_stage(stage, spark, config, call, announced, following)
        if not succeeded:
            return stage
    return None


def _identity(stage: Stage, call: Invocation) -> RunIdentity:
    run_id = call.run_id or new_run_id(stage.name)
    return RunIdentity(run_id, call.pipeline_run_id or run_id, stage.name, datetime.now(UTC))


def _run_stage(
    stage: Stage,
    spark: SparkSession,
    config: Config,
    call: Invocation,
    announced: RunIdentity | None,
    following: tuple[Stage, Invocation] | None,
) -> tuple[bool, RunIdentity | None]:
    """Run `stage`, whose `running` row is written unless `announced` (its identity, written
    by the stage before). Returns whether it succeeded and the identity of `following`, if
    any, whose `running` row was written with this stage's final row."""
    who = announced or _identity(stage, call)
    ctx = RunContext(spark, config, who, call.options, call.run_date, call.as_of)
    started = time.monotonic()
    try:
        if announced is None:
            ledger.record(spark, config, who, "running")
        with tagged_commits(spark, who.run_id):
            result = stage.run(ctx)
    except Exception as exc:
        out_of_memory = out_of_memory_line(exc, stage.name, spark, config.spark.driver_memory)
        message = out_of_memory or describe_error(exc, config)
        try:
            ledger.record(spark, config, who, "failed", error=message)
        except Exception as ledger_exc:
            _say(stage.name, f"could not record the failure: {describe_error(ledger_exc, config)}")
        _say(stage.name, f"failed after {time.monotonic() - started:.1f}s: {message}")
        if call.verbose:
            traceback.print_exc(file=sys.stderr)
        elif not isinstance(exc, ScoutError) and out_of_memory is None:
            _say(stage.name, "run again with --verbose for the full traceback")
        return False, None
    next_who = None if following is None else _identity(*following)
    ledger.record_result(spark, config, who, result, starting=next_who)
    rows = f"read {result.records_read:,}, wrote {result.records_written:,}"
    if result.records_quarantined:
        rows += f", quarantined {result.records_quarantined:,}"
    seconds = time.monotonic() - started
    detail = f"; {result.summary}" if result.summary else ""
    _say(stage.name, f"{result.status} in {seconds:.1f}s, {rows} (run {who.run_id}){detail}")
    return True, next_who


def invoke(
    spark: SparkSession,
    config: Config,
    stage_name: str,
    *,
    run_date: date | None = None,
    as_of: AsOf | None = None,
    **options: object,
) -> StageResult:
    """Run a stage in this process with its default options plus `options` (checked as
    the command line's are); no ledger rows."""
    stage = STAGES[stage_name]
    pinned = as_of or AsOf()
    checked = stage_options(stage, options, pinned)
    run_id = new_run_id(stage_name)
    who = RunIdentity(run_id, run_id, stage_name, datetime.now(UTC))
    with tagged_commits(spark, run_id), job_group(spark, stage.name):
        return stage.run(RunContext(spark, config, who, checked, run_date, pinned))


def main(stage_name: str, argv: Sequence[str] | None = None) -> int:
    """Entry point of `jobs/<stage>.py`: returns the process exit code."""
    stage = STAGES[stage_name]
    parser = base_parser(f"{stage_name}", stage.description)
    add_stage_arguments(stage_name, parser)
    args = parser.parse_args(argv)
    try:
        call = invocation(stage, args)
        config = load_config(args.env, args.config, args.overrides)
        spark = build_spark_session(config)
    except ScoutError as exc:
        _say(stage_name, f"error: {describe_error(exc, None)}")
        # Bad arguments or config: 2; a session that cannot run (no Delta, no server): 1.
        return EXIT_FAILED if isinstance(exc, SetupError) else EXIT_USAGE
    try:
        return run_stage(stage, spark, config, call)
    finally:
        spark.stop()
