"""spark-submit jobs/monitor.py --env staging [--fail-on-alert] [--run-date YYYY-MM-DD]."""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("monitor"))
