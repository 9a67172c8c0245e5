"""Console entry points declared in pyproject.toml."""

import argparse
import os
import sys

from scout_spark.cli.runner import main as run_job
from scout_spark.errors import SetupError
from scout_spark.jars import jar_dir, resolve_jars


def doctor() -> None:
    """scout-doctor: same as jobs/doctor.py."""
    sys.exit(run_job("doctor"))


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
