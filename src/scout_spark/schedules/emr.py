"""EMR: an AddJobFlowSteps request per pipeline, and the EventBridge Scheduler schedule sending it.

EMR has no scheduler of its own: a schedule calls `addJobFlowSteps` through EventBridge
Scheduler's universal target. Both requests are checked offline against botocore's
service models (types, required and unknown keys, enums, lengths) before they are written.
"""

import json
import re
from functools import cache
from typing import Any

import botocore.session
from botocore.model import Shape
from botocore.validate import ParamValidator

from scout_spark.errors import ScoutError
from scout_spark.schedules.cron import to_eventbridge
from scout_spark.schedules.job import JOB_FILE, check_no_jar_coordinates, job_arguments
from scout_spark.schedules.model import EmrTarget, Pipeline

ADD_STEPS_TARGET_ARN = "arn:aws:scheduler:::aws-sdk:emr:addJobFlowSteps"
# Where the bootstrap action copies conf/ on every node (docs/schedules.md).
NODE_CONF_DIR = "/opt/scout-lakehouse/conf"


class DefinitionError(ScoutError):
    """A rendered request that the AWS service model rejects."""


def step_args(pipeline: Pipeline, target: EmrTarget) -> list[str]:
    """command-runner.jar arguments: spark-submit in cluster mode, no jars, conf from the node."""
    return [
        "spark-submit", "--deploy-mode", "cluster",
        "--conf", f"spark.yarn.appMasterEnv.SCOUT_CONF_DIR={NODE_CONF_DIR}",
        "--conf", "spark.sql.session.timeZone=UTC",
        f"{target.artifacts}{JOB_FILE}", *job_arguments(pipeline),
    ]  # fmt: skip


def add_steps_request(pipeline: Pipeline, target: EmrTarget) -> dict[str, Any]:
    """AddJobFlowSteps input (`aws emr add-steps --cli-input-json`): one step running the job."""
    request = {
        "JobFlowId": target.cluster_id,
        "Steps": [
            {
                "Name": pipeline.name,
                "ActionOnFailure": target.action_on_failure,
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": step_args(pipeline, target)},
            }
        ],
    }
    validate("emr", "AddJobFlowSteps", request)
    check_no_jar_coordinates(request, f"{pipeline.name}.steps")
    return request


def schedule_request(pipeline: Pipeline, target: EmrTarget, timezone: str) -> dict[str, Any]:
    """CreateSchedule input (`aws scheduler create-schedule --cli-input-json`)."""
    request = {
        "Name": pipeline.name,
        "Description": f"Scout {pipeline.name}: cron '{pipeline.cron}' in {timezone}",
        "ScheduleExpression": to_eventbridge(pipeline.cron),
        "ScheduleExpressionTimezone": timezone,
        "State": "ENABLED" if pipeline.enabled else "DISABLED",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": ADD_STEPS_TARGET_ARN,
            "RoleArn": target.scheduler_role_arn,
            "Input": json.dumps(add_steps_request(pipeline, target), sort_keys=True),
        },
    }
    validate("scheduler", "CreateSchedule", request)
    check_no_jar_coordinates(request, f"{pipeline.name}.schedule")
    return request


def _model_errors(value: Any, shape: Shape, path: str) -> list[str]:
    """What ParamValidator leaves out: enum values, maximum lengths, patterns."""
    errors: list[str] = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, item in value.items():
            if name in shape.members:
                errors += _model_errors(item, shape.members[name], f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        for n, item in enumerate(value):
            errors += _model_errors(item, shape.member, f"{path}[{n}]")
    elif shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            errors.append(f"{path}: '{value}' is not one of {', '.join(shape.enum)}")
        limit = shape.metadata.get("max")
        if limit is not None and len(value) > limit:
            errors.append(f"{path}: longer than {limit} characters")
        pattern = shape.metadata.get("pattern")
        if pattern and _python_regex(pattern) and not re.fullmatch(pattern, value):
            errors.append(f"{path}: '{value}' does not match {pattern}")
    return errors


def _python_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False  # a Java-only class (surrogate ranges); botocore does not check it either
    return True


@cache
def input_shape(service: str, operation: str) -> Shape:
    """The operation's input shape from botocore's bundled service model (read once)."""
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape


def validate(service: str, operation: str, params: dict[str, Any]) -> None:
    """Raise DefinitionError (one line) unless params is valid input for the operation."""
    shape = input_shape(service, operation)
    report = ParamValidator().validate(params, shape)
    errors = report.generate_report().splitlines() if report.has_errors() else []
    errors += _model_errors(params, shape, operation)
    if errors:
        listed = "; ".join(e.strip() for e in errors if e.strip())
        raise DefinitionError(f"{service} {operation} input is invalid: {listed}")
