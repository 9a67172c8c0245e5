"""The driver memory a job's config asks for, read before any JVM starts.

`scripts/spark-submit` runs `python -m scout_spark.config.submit_memory <its arguments>`
and passes the printed value as `--driver-memory`: once the driver JVM runs, its heap is
fixed, so `spark.driver_memory` can only take effect on spark-submit's command line.
Nothing is printed when the command line sets the memory itself (it wins), when the
config leaves it unset, or when the config is invalid (the job then says why, in one line).
"""

import argparse
import os
import sys
from collections.abc import Sequence

from scout_spark.config import load_config
from scout_spark.config.driver_memory import memory_mib
from scout_spark.errors import ScoutError

_EXPLICIT = ("--driver-memory", "spark.driver.memory")  # as an option or in --conf k=v


def _job_arguments(argv: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """(spark-submit options, the job's arguments), split at the job file; None: no job."""
    for index, arg in enumerate(argv):
        if arg.endswith(".py") and not arg.startswith("-"):
            return list(argv[:index]), list(argv[index + 1 :])
    return None


def configured_driver_memory(argv: Sequence[str]) -> str | None:
    """The value spark-submit should pass as --driver-memory for this command line."""
    split = _job_arguments(argv)
    if split is None:
        return None
    submit_options, job_args = split
    if any(name in option for option in submit_options for name in _EXPLICIT):
        return None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--env", default=os.environ.get("SCOUT_ENV", "local"))
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    known, _ = parser.parse_known_args(job_args)
    try:
        config = load_config(known.env, known.config, known.overrides)
    except ScoutError:
        return None
    memory = config.spark.driver_memory
    return memory if memory and memory_mib(memory) is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    """Print the --driver-memory value for spark-submit's arguments (or nothing)."""
    memory = configured_driver_memory(sys.argv[1:] if argv is None else argv)
    if memory:
        print(memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
