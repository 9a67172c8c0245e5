#!/usr/bin/env python
"""Generate Scout sample source data; see `--help` (same as `scout-generate-sample-data`)."""

from scout_lab.sample.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
