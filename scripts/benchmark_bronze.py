"""Benchmark: one new day into bronze on a 30-day vs a 365-day lake (prints a table)."""

import sys

from scout_spark.bench.bronze_incremental import main

if __name__ == "__main__":
    sys.exit(main())
