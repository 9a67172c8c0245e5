"""Console entry points declared in pyproject.toml."""

import argparse
import os
import sys

from scout_spark.cli.pipeline import main as run_pipeline
from scout_spark.cli.rollback import main as run_rollback
from scout_spark.cli.runner import main as run_job
from scout_spark.errors import SetupError
from scout_spark.jars import jar_dir, resolve_jars


def doctor() -> None:
    """scout-doctor: same as jobs/doctor.py."""
    sys.exit(run_job("doctor"))


def bronze() -> None:
    """scout-bronze: same as jobs/bronze_ingest.py."""
    sys.exit(run_job("bronze"))


def silver() -> None:
    """scout-silver: same as jobs/silver_transform.py."""
    sys.exit(run_job("silver"))


def gold() -> None:
    """scout-gold: same as jobs/gold_build.py."""
    sys.exit(run_job("gold"))


def platinum() -> None:
    """scout-platinum: same as jobs/platinum_build.py."""
    sys.exit(run_job("platinum"))


def publish() -> None:
    """scout-publish: same as jobs/publish_postgres.py."""
    sys.exit(run_job("publish"))


def monitor() -> None:
    """scout-monitor: same as jobs/monitor.py."""
    sys.exit(run_job("monitor"))


def maintain() -> None:
    """scout-maintain: same as jobs/maintain.py."""
    sys.exit(run_job("maintain"))


def report() -> None:
    """scout-report: same as jobs/report.py."""
    sys.exit(run_job("report"))


def pipeline() -> None:
    """scout-pipeline: same as jobs/run_pipeline.py."""
    sys.exit(run_pipeline())


def rollback() -> None:
    """scout-rollback: same as jobs/rollback.py."""
    sys.exit(run_rollback())


def jars() -> None:
    """scout-jars: resolve the pinned jars once; print them for --jars (or a class path)."""
    parser = argparse.ArgumentParser(prog="scout-jars", description=jars.__doc__)
    parser.add_argument("--classpath", action="store_true", help="':'-separated, not ','")
    parser.add_argument("--dir", action="store_true", help="print the jar folder only")
    args = parser.parse_args()
    if args.dir:
        print(jar_dir())
        return
    try:
        paths = resolve_jars()
    except SetupError as exc:
        sys.exit(f"scout-jars: {exc}")
    print((os.pathsep if args.classpath else ",").join(str(p) for p in paths))
