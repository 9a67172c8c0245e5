"""spark-submit jobs/run_pipeline.py --env staging [--from-stage S] [--to-stage S]"""

import sys

from scout_spark.cli.pipeline import main

if __name__ == "__main__":
    sys.exit(main())
