"""Cost of ingesting one new day into bronze on a lake of 30 days vs 365 days.

Prints a markdown table; the ratio (365-day lake / 30-day lake) should stay near 1:
a run's cost follows the new data, not the size of the lake.
"""

import argparse
import dataclasses
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from pyspark.sql import SparkSession

from scout_spark.cli.runner import invoke
from scout_spark.config import Config, load_config
from scout_spark.sample.cli import main as generate
from scout_spark.session import build_spark_session

START = date(2025, 1, 1)


def _generate(dest: Path, first: date, days: int, per_day: int) -> None:
    options = [
        "--dest", str(dest), "--start-date", first.isoformat(), "--days", str(days),
        "--transactions-per-day", str(per_day), "--layout", "hive", "--faults", "none",
        "--stores", "20", "--customers", "500",
    ]  # fmt: skip
    if generate(options) != 0:
        raise RuntimeError(f"sample generation into {dest} failed")


def _add_day(landing: Path, day: date, per_day: int, scratch: Path) -> None:
    """Land one more day (transactions and items partitions) into an existing landing."""
    staging = scratch / f"day-{day}"
    _generate(staging, day, 1, per_day)
    for dataset in ("transactions", "items"):
        shutil.copytree(staging / dataset / f"dt={day}", landing / dataset / f"dt={day}")


def measure(spark: SparkSession, base: Config, work: Path, lake_days: int, per_day: int) -> dict:
    """Seconds to ingest one new day after `lake_days` days are already in bronze."""
    root = work / f"lake{lake_days}"
    config = dataclasses.replace(
        base,
        source=dataclasses.replace(base.source, root=(root / "landing").as_uri() + "/"),
        lake=dataclasses.replace(base.lake, root=(root / "lake").as_uri() + "/"),
    )
    _generate(root / "landing", START, lake_days, per_day)
    invoke(spark, config, "bronze")
    _add_day(root / "landing", START + timedelta(days=lake_days), per_day, work)
    started = time.perf_counter()
    result = invoke(spark, config, "bronze")
    seconds = time.perf_counter() - started
    files = sum(int(p.metrics.get("files_seen", 0)) for p in result.parts.values())
    return {"lake_days": lake_days, "files_listed": files, "rows": result.records_written,
            "seconds": seconds}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Print the table of one-new-day ingest cost on a small and a large lake."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-day", type=int, default=500, help="transactions per day")
    parser.add_argument("--days", type=int, nargs=2, default=(30, 365), metavar=("SMALL", "LARGE"))
    args = parser.parse_args(argv)
    base = load_config("local", overrides=["spark.extra_conf.spark.ui.showConsoleProgress=false"])
    spark = build_spark_session(base)
    with tempfile.TemporaryDirectory(prefix="scout-bench-") as tmp:
        rows = [measure(spark, base, Path(tmp), d, args.per_day) for d in args.days]
    spark.stop()
    print("| lake days | files listed | new-day rows | seconds |")
    print("| ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['lake_days']} | {r['files_listed']} | {r['rows']} | {r['seconds']:.1f} |")
    ratio = rows[1]["seconds"] / rows[0]["seconds"]
    print(f"\nratio {args.days[1]} / {args.days[0]} days: {ratio:.2f}")
    return 0
