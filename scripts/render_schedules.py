#!/usr/bin/env python
"""Render conf/pipelines.yaml into EMR and Databricks definitions (same as `scout-schedules`)."""

from scout_spark.schedules.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
