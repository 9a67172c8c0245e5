"""Benchmark: the pipeline at scale, incremental cost, no-op runs, silver MERGE, publish vs
psql \\copy and DuckDB/PySpark peers, side by side (markdown on stdout, JSON to a file)."""

import sys

from scout_lab.bench.benchmark import main

if __name__ == "__main__":
    sys.exit(main())
