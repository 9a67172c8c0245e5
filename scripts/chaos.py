"""Chaos run: SIGKILL each stage at random moments, rerun, compare every lake and dashboard
table with an uninterrupted run; then two pipeline runs at once (table on stdout, JSON in
data/chaos/). See README, "Chaos run"."""

import sys

from scout_lab.bench.chaos import main

if __name__ == "__main__":
    sys.exit(main())
