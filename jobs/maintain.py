"""spark-submit jobs/maintain.py --env staging [--layer L] [--retention-hours N] [--dry-run]."""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("maintain"))
