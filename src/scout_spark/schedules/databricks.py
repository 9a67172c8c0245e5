"""Databricks: a Jobs API 2.1 `jobs/create` request per pipeline, in one of two forms.

classic: one job cluster in dedicated (single user) access mode, the project's wheel as
the task's library. serverless (`compute: serverless`): no cluster at all; the task names
an environment whose dependencies are the wheel (pip installs what the wheel declares,
which never includes Spark or Delta: the platform's own stay) and whose version chooses
Python and the Spark Connect client. Delta is part of the platform either way, so no
definition names a jar.
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
ENVIRONMENT_KEY = "scout"
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


def _wheel(target: DatabricksTarget) -> str:
    return f"{target.artifacts}dist/{wheel_name()}"


def _environment(target: DatabricksTarget) -> dict[str, Any]:
    """The serverless environment: its version and the wheel (with what the wheel declares)."""
    version = str(target.environment_version)
    spec = {"environment_version": version, "dependencies": [_wheel(target)]}
    return {"environment_key": ENVIRONMENT_KEY, "spec": spec}


def _compute(target: DatabricksTarget) -> tuple[dict[str, Any], dict[str, Any]]:
    """(job-level fields, task-level fields) of the target's compute form."""
    if target.compute == "serverless":
        # conf/ is found beside jobs/ (jobs/run_pipeline.py): serverless has no env vars.
        return {"environments": [_environment(target)]}, {"environment_key": ENVIRONMENT_KEY}
    job = {"job_clusters": [{"job_cluster_key": CLUSTER_KEY, "new_cluster": _cluster(target)}]}
    return job, {"job_cluster_key": CLUSTER_KEY, "libraries": [{"whl": _wheel(target)}]}


def job_request(pipeline: Pipeline, target: DatabricksTarget, timezone: str) -> dict[str, Any]:
    """jobs/create body (`databricks jobs create --json @file`); paused when not enabled."""
    job_compute, task_compute = _compute(target)
    task = {
        "task_key": TASK_KEY,
        "spark_python_task": {
            "python_file": f"{target.artifacts}{JOB_FILE}",
            "parameters": job_arguments(pipeline),
        },
        **task_compute,
    }
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
        **job_compute,
        "tasks": [task],
    }
    check_no_jar_coordinates(request, f"{pipeline.name}.job")
    return request
