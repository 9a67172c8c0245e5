"""The states a chaos run starts its stages from, prepared once in this process.

A small generated landing; pipeline run 1 over all days but the last; then the last
day lands and run 2 goes stage by stage, the lake and schema saved before each stage.
After run 2's publish the state is saved once more: rollback (of run 2) and maintain
start from it. Every stage so works on a lake with history, as it would in production.
"""

import dataclasses
import json
import shutil
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from pyspark.sql import SparkSession

from scout_lab.bench.chaos_state import World, copy_world, drop_world, world
from scout_lab.sample.cli import main as generate
from scout_spark.cli.args import base_parser
from scout_spark.cli.pipeline import parser, pipeline_calls, run_stages
from scout_spark.cli.rollback import parser as rollback_parser
from scout_spark.cli.rollback import roll_back
from scout_spark.cli.runner import EXIT_OK, invocation, run_stage
from scout_spark.cli.stage_arguments import add_stage_arguments
from scout_spark.config import Config
from scout_spark.stages import STAGES as REGISTERED

RUN1, RUN2 = "chaos-run1", "chaos-run2"
PIPELINE_STAGES = ("bronze", "silver", "gold", "platinum", "publish")
AFTER_RUN2 = ("rollback", "maintain")  # both start from the state after run 2's publish
STAGES = (*PIPELINE_STAGES, *AFTER_RUN2)
# Row faults (quarantine, corrections, duplicates, orphans) and file faults the pipeline
# already handles; no fault that holds a day back (missing _SUCCESS, late partitions).
FAULTS = (
    "empty_transaction_id,unparseable_timestamp,negative_amount,non_numeric_amount,"
    "nonpositive_quantity,duplicate_rows,correction,out_of_order_correction,orphan_items,"
    "tz_midnight,schema_drift,truncated_file,zero_byte_file,odd_file_name"
)


@dataclass(frozen=True)
class LandingSize:
    days: int = 3
    transactions_per_day: int = 200
    seed: int = 7


@dataclass(frozen=True)
class Prepared:
    """The shared landing, the saved state before each stage, and an empty lake beside it."""

    landing: Path
    before: dict[str, World]
    running: World  # where runs 1 and 2 ran: the state after the last stage prepared
    seconds: dict[str, float] = field(default_factory=dict)  # run 2's stages, in process
    rolled_back: World | None = None  # after run 2, then its rollback (with_rollback)

    def after(self, stage: str) -> World | None:
        """The state run 2's `stage` left (a pipeline stage's, when the next was saved), or
        the rollback of run 2 left (when `with_rollback` ran it)."""
        if stage == "rollback":
            return self.rolled_back
        if stage not in PIPELINE_STAGES:
            return None
        following = (*PIPELINE_STAGES, *AFTER_RUN2)[PIPELINE_STAGES.index(stage) + 1]
        return self.before.get(following)


def generate_landing(folder: Path, size: LandingSize) -> tuple[Path, list[Path]]:
    """All days generated into folder/generated; every file but the last day's copied to
    folder/landing. Returns the landing and the last day's partition folders (generated)."""
    generated, landing = folder / "generated", folder / "landing"
    options = [
        "--dest", str(generated), "--days", str(size.days),
        "--transactions-per-day", str(size.transactions_per_day), "--layout", "hive",
        "--faults", FAULTS, "--fault-count", "2", "--stores", "10",
        "--customers", str(max(200, size.transactions_per_day)), "--seed", str(size.seed),
        "--overwrite",
    ]  # fmt: skip
    with redirect_stdout(sys.stderr):
        if generate(options) != 0:
            raise RuntimeError(f"sample generation into {generated} failed")
    last = sorted(p.name for p in generated.glob("transactions/dt=*"))[-1]
    held_back = sorted(generated.glob(f"*/{last}"))
    shutil.rmtree(landing, ignore_errors=True)  # a landing prepared before
    shutil.copytree(generated, landing, ignore=lambda _d, names: [n for n in names if n == last])
    return landing, held_back


def land(landing: Path, partitions: list[Path]) -> None:
    """Land held-back partitions (<dataset>/dt=D) into the landing zone."""
    for partition in partitions:
        shutil.copytree(partition, landing / partition.parent.name / partition.name)


def _run(spark: SparkSession, config: Config, stages: list[str], run_id: str) -> None:
    args = parser().parse_args(["--env", config.env])
    if run_stages(spark, config, pipeline_calls(stages, args, run_id), run_id) != EXIT_OK:
        raise RuntimeError(f"preparing the chaos states: run {run_id} failed at {stages}")


def run_in_process(spark: SparkSession, config: Config, stage: str, run_id: str) -> int:
    """The stage as its job would run it (rollback: of run 2, then the republish)."""
    if stage == "rollback":
        return roll_back(spark, config, rollback_parser().parse_args(["--run-id", RUN2]))
    job = REGISTERED[stage]
    options = base_parser(stage, job.description)
    add_stage_arguments(stage, options)
    call = invocation(job, options.parse_args(["--run-id", run_id]))
    return run_stage(job, spark, config, call)


def prepare(
    spark: SparkSession,
    base: Config,
    folder: Path,
    size: LandingSize,
    stages: tuple[str, ...] = STAGES,
) -> Prepared:
    """Build the starting state of each of `stages` under `folder` (in this Spark session);
    run 2 goes no further than the last of them needs."""
    landing, last_day = generate_landing(folder, size)
    current = world(base, folder / "running", landing)
    _run(spark, current.config, list(PIPELINE_STAGES), RUN1)
    land(landing, last_day)
    before: dict[str, World] = {}
    seconds: dict[str, float] = {}
    needed = PIPELINE_STAGES if set(stages) & set(AFTER_RUN2) else stages
    last = max(PIPELINE_STAGES.index(s) for s in needed if s in PIPELINE_STAGES)
    for stage in PIPELINE_STAGES[: last + 1]:
        before[stage] = copy_world(current, folder / f"before-{stage}")
        started = time.monotonic()
        _run(spark, current.config, [stage], RUN2)
        seconds[stage] = round(time.monotonic() - started, 2)
    if set(stages) & set(AFTER_RUN2):
        after = copy_world(current, folder / "after-run2")
        before |= {stage: after for stage in AFTER_RUN2}
    prepared = Prepared(landing, before, current, seconds)
    save(prepared, folder)
    return prepared


def with_rollback(spark: SparkSession, prepared: Prepared, folder: Path) -> Prepared:
    """`prepared` and the rollback of run 2, run uninterrupted in this session on a copy of
    the state after run 2 (`after("rollback")`, its seconds in `seconds["rollback"]`)."""
    where = copy_world(prepared.before["rollback"], folder)
    started = time.monotonic()
    if run_in_process(spark, where.config, "rollback", "chaos-ref-rollback") != EXIT_OK:
        raise RuntimeError(f"preparing the chaos states: the rollback of {RUN2} failed")
    seconds = prepared.seconds | {"rollback": round(time.monotonic() - started, 2)}
    return dataclasses.replace(prepared, rolled_back=where, seconds=seconds)


MANIFEST = "prepared.json"


def save(prepared: Prepared, folder: Path) -> None:
    """Write where the prepared states are, so a later chaos run can start from them."""
    before = {s: [str(w.folder), w.config.postgres.schema] for s, w in prepared.before.items()}
    running = [str(prepared.running.folder), prepared.running.config.postgres.schema]
    manifest = {
        "landing": str(prepared.landing), "before": before, "running": running,
        "seconds": prepared.seconds,
    }  # fmt: skip
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def load(base: Config, folder: Path) -> Prepared | None:
    """The prepared states saved under `folder`, or None."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    manifest = json.loads(path.read_text())
    landing = Path(manifest["landing"])
    before = {
        stage: world(base, Path(where), landing, schema=schema)
        for stage, (where, schema) in manifest["before"].items()
    }
    running, schema = manifest["running"]
    current = world(base, Path(running), landing, schema=schema)
    return Prepared(landing, before, current, manifest.get("seconds", {}))


def drop_prepared(prepared: Prepared) -> None:
    """Remove every prepared state's lake folder and Postgres schema."""
    worlds = [*prepared.before.values(), prepared.running, prepared.rolled_back]
    for item in {w.folder: w for w in worlds if w is not None}.values():
        drop_world(item)
