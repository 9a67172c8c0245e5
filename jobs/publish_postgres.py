"""spark-submit jobs/publish_postgres.py --env staging [--full-refresh | --migrate-only]."""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("publish"))
