"""spark-submit jobs/rollback.py --env staging --run-id R [--force] [--no-publish]."""

import sys

from scout_spark.cli.rollback import main

if __name__ == "__main__":
    sys.exit(main())
