"""spark-submit jobs/doctor.py --env staging: check config, bucket, Postgres and jars."""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("doctor"))
