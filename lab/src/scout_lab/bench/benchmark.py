"""`scripts/benchmark.py`: where we stand against the limits and the alternatives.

Generates data, runs, and prints one markdown report (and writes the same figures as
JSON): the whole pipeline at each size, one new day on a small vs a large lake, a run
with no new data vs an empty Spark job, silver's MERGE of a 1% change set vs rewriting
the table, publish vs `psql \\copy`, and the gold daily aggregates by DuckDB and by a
naive PySpark rebuild against ours; with the machine it ran on. Everything runs side by
side in one process on this machine: the ratios are the figures to compare.
"""

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from scout_lab.bench import publish_throughput
from scout_lab.bench.machine import machine_info
from scout_lab.bench.noop_run import noop_vs_empty
from scout_lab.bench.peers import measure_peers
from scout_lab.bench.pipeline_runs import new_day_cost, pipeline_at_scale, say
from scout_lab.bench.render import render
from scout_lab.bench.silver_merge import measure_silver_merge
from scout_lab.bench.workspace import Workspace, drop_schema
from scout_spark.config import Config, load_config
from scout_spark.session import build_spark_session

SECTIONS = ("pipeline", "incremental", "noop", "merge", "publish", "peers")
NEEDS_PIPELINE = ("noop", "merge", "peers")  # on the first size's lake (merge: on each)
GOAL_STAGES = ("bronze", "silver", "gold")  # what the peers' aggregates stand for


@dataclasses.dataclass(frozen=True)
class Plan:
    """Sizes and sections of one benchmark run."""

    sizes: tuple[int, ...] = (1_000_000, 10_000_000)
    days: int = 30
    incremental_days: tuple[int, int] = (30, 365)
    incremental_per_day: int = 2_000
    publish_rows: int = 1_000_000
    publish_rounds: int = 3
    noop_rounds: int = 3
    sections: tuple[str, ...] = SECTIONS
    driver_memory: str = "1g"  # of each pipeline's spark-submit: Spark's default heap


SMOKE = Plan(
    sizes=(1_500,),
    days=3,
    incremental_days=(2, 4),
    incremental_per_day=100,
    publish_rows=2_000,
    publish_rounds=1,
    noop_rounds=1,
)


def _peers(spark: SparkSession, case: Workspace, pipeline: dict[str, Any], folder: Path) -> dict:
    peers = measure_peers(spark, case.config, case.landing, folder)
    ours = sum(s["seconds"] for s in pipeline["stages"] if s["stage"] in GOAL_STAGES)
    for name in ("duckdb", "naive_pyspark"):
        peers[name]["ratio_to_ours"] = round(peers[name]["seconds"] / ours, 3)
    peers["ours_s"] = round(ours, 2)
    return peers


def _merge(spark: SparkSession, case: Workspace, folder: Path) -> dict:
    return measure_silver_merge(spark, case.config, folder)


def run_benchmark(spark: SparkSession, base: Config, folder: Path, plan: Plan) -> dict[str, Any]:
    """Every section of `plan`, in `folder`; the figures as one JSON-ready dict."""
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(spark, base),
        "plan": dataclasses.asdict(plan),
    }
    cases: list[Workspace] = []
    try:
        if "pipeline" in plan.sections:
            results["pipeline"] = []
            for size in plan.sizes:
                figures, case = pipeline_at_scale(
                    spark, base, folder / f"p{size}", (size, plan.days), plan.driver_memory
                )
                results["pipeline"].append(figures)
                cases.append(case)
            first, first_figures = cases[0], results["pipeline"][0]
            if "noop" in plan.sections:
                say("no-new-data run vs an empty Spark job (spark-submit each)")
                results["noop"] = noop_vs_empty(first, plan.noop_rounds)
            if "merge" in plan.sections:
                results["silver_merge"] = []
                for size, case in zip(plan.sizes, cases, strict=True):
                    say(f"silver MERGE of a 1% change set vs a rewrite, {size:,} transactions")
                    figures = _merge(spark, case, folder / f"merge{size}")
                    results["silver_merge"].append({"transactions": size, **figures})
            if "peers" in plan.sections:
                say("gold daily aggregates: DuckDB and naive PySpark")
                results["peers"] = _peers(spark, first, first_figures, folder / "peers")
        if "incremental" in plan.sections:
            runs = []
            for days in plan.incremental_days:
                figures, case = new_day_cost(
                    spark, base, folder / f"i{days}", (days, plan.incremental_per_day),
                    plan.driver_memory,
                )  # fmt: skip
                runs.append(figures)
                cases.append(case)
            small, large = runs
            results["incremental"] = {
                "runs": runs,
                "ratio": round(large["total_s"] / small["total_s"], 2),
            }
        if "publish" in plan.sections:
            say(f"publish vs psql \\copy, {plan.publish_rows:,} rows")
            rounds = publish_throughput.run(
                spark, base, folder / "publish", plan.publish_rows, 60, plan.publish_rounds
            )
            results["publish"] = publish_throughput.summary(rounds)
    finally:
        for case in cases:
            drop_schema(case.config)
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["load_average_at_end"] = [round(n, 2) for n in os.getloadavg()]
    return results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="benchmark", description=__doc__)
    parser.add_argument(
        "--sizes", default="1000000,10000000", help="transactions per pipeline run, comma list"
    )
    parser.add_argument("--days", type=int, default=Plan.days, help="days the sizes span")
    parser.add_argument(
        "--incremental-days", type=int, nargs=2, default=Plan.incremental_days,
        metavar=("SMALL", "LARGE"), help="lake sizes (days) for the one-new-day run",
    )  # fmt: skip
    parser.add_argument("--incremental-per-day", type=int, default=Plan.incremental_per_day)
    parser.add_argument("--publish-rows", type=int, default=Plan.publish_rows)
    parser.add_argument("--publish-rounds", type=int, default=Plan.publish_rounds)
    parser.add_argument("--noop-rounds", type=int, default=Plan.noop_rounds)
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma list of sections")
    parser.add_argument(
        "--driver-memory", default=Plan.driver_memory,
        help="driver memory of each pipeline run (its spark-submit)",
    )  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks it all runs")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures")
    parser.add_argument("--work-dir", type=Path, default=None, help="scratch folder (default tmp)")
    parser.add_argument(
        "--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE",
        help="config override for the benchmark's own session (peers, MERGE, publish)",
    )  # fmt: skip
    return parser


def plan_from(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Plan:
    """The plan the options ask for; errors name the bad option."""
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"--sections: unknown {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if "pipeline" not in sections and set(sections) & set(NEEDS_PIPELINE):
        parser.error(f"--sections: {', '.join(NEEDS_PIPELINE)} run on the pipeline's lake")
    if args.smoke:
        return dataclasses.replace(SMOKE, sections=sections, driver_memory=args.driver_memory)
    try:
        sizes = tuple(int(s) for s in args.sizes.split(","))
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: expected whole numbers, e.g. 1000000,10000000")
    if args.noop_rounds < 1:
        parser.error("--noop-rounds: at least 1")
    if min(sizes) < args.days:
        parser.error(f"--sizes: at least one transaction per day ({args.days} days)")
    return Plan(
        sizes=sizes,
        days=args.days,
        incremental_days=tuple(args.incremental_days),  # type: ignore[arg-type]
        incremental_per_day=args.incremental_per_day,
        publish_rows=args.publish_rows,
        publish_rounds=args.publish_rounds,
        noop_rounds=args.noop_rounds,
        sections=sections,
        driver_memory=args.driver_memory,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the plan, print the markdown report, write the JSON figures."""
    parser = _parser()
    args = parser.parse_args(argv)
    plan = plan_from(args, parser)
    quiet = "spark.extra_conf.spark.ui.showConsoleProgress=false"
    base = load_config("local", overrides=[quiet, *args.overrides])
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = args.json or Path("data", "benchmarks", f"benchmark-{stamp}.json")
    if args.work_dir is not None:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    spark = build_spark_session(base)
    folder = Path(tempfile.mkdtemp(prefix="scout-bench-", dir=args.work_dir))
    try:
        results = run_benchmark(spark, base, folder, plan)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        spark.stop()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    print(f"\nfigures written to {target}", file=sys.stderr)
    return 0
