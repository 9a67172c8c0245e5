"""Benchmark: publish rows/s vs psql \\copy of the same rows (prints a markdown table)."""

import sys

from scout_lab.bench.publish_throughput import main

if __name__ == "__main__":
    sys.exit(main())
