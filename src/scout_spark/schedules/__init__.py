"""Scheduled pipeline runs: conf/pipelines.yaml rendered for EMR and Databricks."""

from scout_spark.schedules.loader import load_schedules, pipelines_file
from scout_spark.schedules.model import Pipeline, Schedules

__all__ = ["Pipeline", "Schedules", "load_schedules", "pipelines_file"]
