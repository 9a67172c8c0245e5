"""`scripts/chaos.py`: kill each stage at random moments, rerun it, and compare every lake
and dashboard table with an uninterrupted run; then two pipeline runs at once.

Per stage: its starting state is prepared once (chaos_prepare), a reference run times
it, and each trial SIGKILLs the stage's spark-submit process group at a moment drawn
from the seed in [0, reference seconds] (a run that ends first is tried again at a moment
inside its own time), reruns it and compares (chaos_compare). The
table (stdout) and every trial's figures (JSON under data/chaos/) say what was lost.
"""

import argparse
import json
import random
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from scout_lab.bench import chaos_concurrent as two
from scout_lab.bench.chaos_prepare import (
    STAGES,
    LandingSize,
    drop_prepared,
    load,
    prepare,
)
from scout_lab.bench.chaos_report import (
    HEADER,
    render,
    stage_row,
    trial_json,
    two_runs_json,
    two_runs_row,
)
from scout_lab.bench.chaos_state import World, drop_world
from scout_lab.bench.chaos_trial import TrialResult, reference, state_of, trial, until_killed
from scout_lab.services import load_services_env
from scout_lab.small_runs import SMALL_RUN_SETTINGS
from scout_spark.config import Config, load_config
from scout_spark.session import build_spark_session


def say(message: str) -> None:
    print(f"chaos: {message}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chaos", description=__doc__)
    parser.add_argument("--trials", type=int, default=20, help="killed runs per stage")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma list (default all)")
    parser.add_argument("--seed", type=int, default=None, help="kill moments (default: random)")
    parser.add_argument("--days", type=int, default=3, help="days of generated landing")
    parser.add_argument("--transactions-per-day", type=int, default=200)
    parser.add_argument("--no-two-runs", action="store_true", help="skip two runs at once")
    parser.add_argument(
        "--work", type=Path, default=None,
        help="folder for the states (reused when it holds prepared ones)",
    )  # fmt: skip
    parser.add_argument(
        "--rerun", choices=("in-process", "spark-submit"), default="in-process",
        help="how a killed stage is rerun: in this session (no JVM start) or as its job",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep every lake and schema")
    parser.add_argument("--json", type=Path, default=None, help="figures file")
    parser.add_argument("--set", action="append", default=[], dest="overrides",
                        metavar="KEY=VALUE", help="config override for every run")  # fmt: skip
    return parser


def _stage(
    spark: SparkSession, stage: str, start: World, folder: Path, trials: int, seed: int,
    keep: bool, in_process: bool,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    ref = reference(spark, stage, start, folder / "reference")
    say(f"{stage}: reference run {ref.seconds:.1f}s")
    results = []
    for number in range(trials):

        def attempt(kill_at: float, suffix: str, number: int = number) -> TrialResult:
            where = folder / f"trial-{number}{suffix}"
            result = trial(spark, stage, start, ref, where, kill_at, number, in_process)
            c = result.comparison
            say(
                f"{stage} trial {number}{suffix}: kill at {kill_at:.1f}s (killed: "
                f"{result.killed.killed}, after {result.killed.seconds:.1f}s), rerun exit "
                f"{result.rerun.returncode}, "
                + ("equal" if result.equal else f"lost {c.total('lost')}, duplicated "
                   f"{c.total('duplicated')}, extra {c.total('extra')} in {sorted(c.differing())}")
            )  # fmt: skip
            if not keep:
                drop_world(result.world)
            return result

        results.append(until_killed(attempt, seed, stage, number, ref.seconds))
    if not keep:
        drop_world(ref.world)
    return stage_row(stage, results), [trial_json(r) for r in results]


def _two_runs(
    spark: SparkSession, base: Config, landing: Path, folder: Path, keep: bool
) -> list[two.TwoRuns]:
    import boto3

    clean = two.clean_run(spark, base, landing, folder / "clean")
    expected = state_of(spark, clean)
    say("two runs at once: clean run done")
    s3 = boto3.client("s3", endpoint_url=base.s3.endpoint, region_name=base.s3.region)
    results = [
        two.two_runs_local(spark, base, landing, folder / "two-local", expected),
        two.two_runs_s3(spark, base, landing, folder / "two-s3", expected, s3),
    ]
    for result in results:
        say(f"two runs at once, {result.lake} lake: exits "
            f"{[t.returncode for t in result.twins]}, equal: {result.equal}")  # fmt: skip
    if not keep:
        drop_world(clean)
    return results


def run_chaos(spark: SparkSession, base: Config, work: Path, args: argparse.Namespace) -> dict:
    """Every requested stage's trials, then two runs at once; the figures as a dict."""
    stages = tuple(s for s in STAGES if s in args.stages.split(","))
    size = LandingSize(args.days, args.transactions_per_day)
    prepared = load(base, work)
    if prepared is None or not set(stages) <= set(prepared.before):
        if prepared is not None:  # saved for other stages: prepare again, for these
            drop_prepared(prepared)
        prepared = prepare(spark, base, work, size, stages)
    rows, trials = [], {}
    for stage in stages:
        try:
            row, trials[stage] = _stage(
                spark, stage, prepared.before[stage], work / "trials" / stage, args.trials,
                args.seed, args.keep, args.rerun == "in-process",
            )  # fmt: skip
        except (RuntimeError, TimeoutError) as exc:
            say(f"{stage}: {exc}")
            row = {"stage": stage, "error": str(exc), **dict.fromkeys(HEADER[1:], "-")}
        rows.append(row)
    concurrent = [] if args.no_two_runs else _two_runs(
        spark, base, prepared.landing, work / "two-runs", args.keep
    )  # fmt: skip
    rows += [two_runs_row(r) for r in concurrent]
    if args.work is None and not args.keep:
        drop_prepared(prepared)
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "rerun": args.rerun,
        "landing": {"days": size.days, "transactions_per_day": size.transactions_per_day},
        "rows": rows,
        "trials": trials,
        "two_runs": [two_runs_json(r) for r in concurrent],
    }


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    say(f"seed {args.seed} (rerun the same kill moments with --seed {args.seed})")
    load_services_env()
    base = load_config("local", overrides=[*SMALL_RUN_SETTINGS, *args.overrides])
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = args.json or Path("data", "chaos", f"chaos-{stamp}.json")
    work = args.work or Path(tempfile.mkdtemp(prefix="scout-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    spark = build_spark_session(base)
    try:
        results = run_chaos(spark, base, work, args)
    finally:
        spark.stop()
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"seed {args.seed}\n\n{render(results['rows'])}")
    say(f"figures written to {target}")
    return 0
