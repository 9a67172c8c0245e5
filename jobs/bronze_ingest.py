"""spark-submit jobs/bronze_ingest.py --env staging [--backfill-from D --backfill-to D]"""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("bronze"))
