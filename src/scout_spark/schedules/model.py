"""Typed, frozen schedule definitions; built only by `scout_spark.schedules.loader`."""

from dataclasses import dataclass, field

EMR_ACTIONS_ON_FAILURE = ("CONTINUE", "CANCEL_AND_WAIT")


@dataclass(frozen=True)
class EmrTarget:
    """A long-running EMR cluster of one env, and the role EventBridge Scheduler uses."""

    artifacts: str  # s3://.../ holding jobs/, conf/ and dist/ (docs/schedules.md)
    cluster_id: str
    scheduler_role_arn: str
    action_on_failure: str = "CONTINUE"


DATABRICKS_COMPUTE = ("classic", "serverless")


@dataclass(frozen=True)
class DatabricksTarget:
    """The workspace folder and compute of one env: a job cluster (classic) or serverless."""

    artifacts: str  # /Workspace/... or /Volumes/... folder holding jobs/, conf/ and dist/
    compute: str = "classic"
    # classic only (required there): the job cluster
    spark_version: str | None = None
    node_type_id: str | None = None
    num_workers: int | None = None
    instance_profile_arn: str | None = None
    # serverless only: the serverless environment version (its Python and Connect client)
    environment_version: int = 4


@dataclass(frozen=True)
class Target:
    """Where one env's pipelines run; a platform left out is not rendered."""

    emr: EmrTarget | None = None
    databricks: DatabricksTarget | None = None


@dataclass(frozen=True)
class Pipeline:
    """One scheduled run of jobs/run_pipeline.py."""

    name: str
    env: str
    source_path_pattern: str
    cron: str  # five-field Unix cron in Schedules.timezone
    enabled: bool
    args: tuple[str, ...] = ()  # extra run_pipeline options, e.g. ("--to-stage", "bronze")


@dataclass(frozen=True)
class Schedules:
    """conf/pipelines.yaml: the time zone of every cron, targets per env, the pipelines."""

    origin: str
    timezone: str
    targets: dict[str, Target] = field(default_factory=dict)
    pipelines: tuple[Pipeline, ...] = ()

    def for_env(self, env: str | None) -> tuple[Pipeline, ...]:
        """The pipelines of one env (all when env is None)."""
        return tuple(p for p in self.pipelines if env is None or p.env == env)
