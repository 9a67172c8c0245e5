"""spark-submit jobs/silver_transform.py --env staging: bronze -> typed, checked, deduplicated.

Options: --full-refresh, --from-date/--to-date, --replay-quarantine, --quality-rules FILE.
"""

import sys

from scout_spark.cli.runner import main

if __name__ == "__main__":
    sys.exit(main("silver"))
