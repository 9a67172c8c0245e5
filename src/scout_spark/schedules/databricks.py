"""Databricks: a Jobs API 2.1 `jobs/create` request per pipeline.

One job cluster in dedicated (single user) access mode, because the session builder uses
the SparkContext, which standard access mode and serverless compute do not offer. Delta
is part of the Databricks Runtime, so the only library is this project's wheel.
"""

from typing import Any

from scout_spark.schedules.cron import to_quartz
from scout_spark.schedules.job import (
    JOB_FILE,
    check_no_jar_coordinates,
    job_arguments,
    wheel_name,
)
from scout_spark.schedules.model import DatabricksTarget, Pipeline

CLUSTER_KEY = "scout"
TASK_KEY = "run_pipeline"


def _cluster(target: DatabricksTarget) -> dict[str, Any]:
    cluster: dict[str, Any] = {
        "spark_version": target.spark_version,
        "node_type_id": target.node_type_id,
        "num_workers": target.num_workers,
        "data_security_mode": "SINGLE_USER",
        "spark_conf": {"spark.sql.session.timeZone": "UTC"},
        # The wheel is installed into site-packages, away from conf/: point the loader at it.
        "spark_env_vars": {"SCOUT_CONF_DIR": f"{target.artifacts}conf"},
    }
    if target.instance_profile_arn:
        cluster["aws_attributes"] = {"instance_profile_arn": target.instance_profile_arn}
    return cluster


def job_request(pipeline: Pipeline, target: DatabricksTarget, timezone: str) -> dict[str, Any]:
    """jobs/create body (`databricks jobs create --json @file`); paused when not enabled."""
    request = {
        "name": pipeline.name,
        "tags": {"project": "scout-lakehouse", "env": pipeline.env},
        # One run at a time: each run writes every table, and a table has one writer.
        "max_concurrent_runs": 1,
        "queue": {"enabled": True},
        "schedule": {
            "quartz_cron_expression": to_quartz(pipeline.cron),
            "timezone_id": timezone,
            "pause_status": "UNPAUSED" if pipeline.enabled else "PAUSED",
        },
        "job_clusters": [{"job_cluster_key": CLUSTER_KEY, "new_cluster": _cluster(target)}],
        "tasks": [
            {
                "task_key": TASK_KEY,
                "job_cluster_key": CLUSTER_KEY,
                "spark_python_task": {
                    "python_file": f"{target.artifacts}{JOB_FILE}",
                    "parameters": job_arguments(pipeline),
                },
                "libraries": [{"whl": f"{target.artifacts}dist/{wheel_name()}"}],
            }
        ],
    }
    check_no_jar_coordinates(request, f"{pipeline.name}.job")
    return request
