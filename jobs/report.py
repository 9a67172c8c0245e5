"""spark-submit jobs/report.py --env staging [--output PATH] [--days N]."""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("report"))
