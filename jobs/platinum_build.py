"""spark-submit jobs/platinum_build.py --env staging [--full-refresh | --from-date D --to-date D]"""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("platinum"))
