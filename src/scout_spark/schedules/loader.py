"""Load conf/pipelines.yaml into Schedules.

Every error is a ConfigError whose message is one line naming the file and the key
(`pipelines[2].cron`), like scout_spark.config.loader.
"""

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from scout_spark.config.isolation import location
from scout_spark.config.loader import conf_dir
from scout_spark.config.model import ENVS
from scout_spark.errors import ConfigError
from scout_spark.schedules.cron import CronError, parse_unix_cron
from scout_spark.schedules.model import (
    DATABRICKS_COMPUTE,
    EMR_ACTIONS_ON_FAILURE,
    DatabricksTarget,
    Pipeline,
    Schedules,
    Target,
)

# EventBridge schedule names allow [0-9a-zA-Z-_.], at most 64 characters.
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_PLACEHOLDER = re.compile(r"\{([^}]*)\}")
PLACEHOLDERS = ("date", "hour", "yyyy", "mm", "dd")
_CLUSTER_ID = re.compile(r"^j-[A-Z0-9]+$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_PROFILE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:instance-profile/[\w+=,.@/-]+$")
_TOP_KEYS = ("timezone", "targets", "pipelines")


def pipelines_file() -> Path:
    """conf/pipelines.yaml in the conf folder ($SCOUT_CONF_DIR, else the repository's conf/)."""
    return conf_dir() / "pipelines.yaml"


def _coerce(value: Any, hint: Any, key: str, origin: str) -> Any:
    if isinstance(hint, types.UnionType):  # X | None
        if value is None:
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if dataclasses.is_dataclass(hint):
        return _section(hint, value, key, origin)  # type: ignore[arg-type]
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{origin}: key '{key}' must be a list of strings")
        return tuple(value)
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(f"{origin}: key '{key}' must be true or false, got {value!r}")
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{origin}: key '{key}' must be an integer, got {value!r}")
    if hint is str and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{origin}: key '{key}' must be a non-empty string, got {value!r}")
    return value


def _section(cls: type, data: Any, key: str, origin: str) -> Any:
    """A mapping as a frozen dataclass: unknown keys, missing keys and types are errors."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: key '{key}' must be a mapping")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in data:
        if name not in fields:
            raise ConfigError(f"{origin}: unknown key '{key}.{name}'")
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for name, fld in fields.items():
        if name in data:
            kwargs[name] = _coerce(data[name], hints[name], f"{key}.{name}", origin)
        elif fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{origin}: missing key '{key}.{name}'")
    return cls(**kwargs)


def _bucket(uri: str) -> str | None:
    """The normalised bucket of an object-store URI (config.isolation); None otherwise."""
    try:
        found = location(uri)
    except ValueError:
        return None
    return found.store if found.is_bucket else None


def _data_buckets(directory: Path) -> dict[str, set[str]]:
    """env -> buckets of its source and lake roots, from conf/<env>.yaml where present."""
    buckets: dict[str, set[str]] = {}
    for env in ENVS:
        path = directory / f"{env}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        roots = [(data or {}).get(s, {}).get("root", "") for s in ("source", "lake")]
        buckets[env] = {b for b in map(_bucket, roots) if b}
    return buckets


def _check_target(env: str, target: Target, origin: str, buckets: dict[str, set[str]]) -> None:
    key = f"targets.{env}"
    for platform in ("emr", "databricks"):
        block = getattr(target, platform)
        if block and not block.artifacts.endswith("/"):
            raise ConfigError(f"{origin}: key '{key}.{platform}.artifacts' must end with '/'")
    if target.emr:
        emr = target.emr
        if not emr.artifacts.startswith("s3://"):
            raise ConfigError(f"{origin}: key '{key}.emr.artifacts' must be an s3:// folder")
        others = [e for e, b in buckets.items() if e != env and _bucket(emr.artifacts) in b]
        if others:
            raise ConfigError(
                f"{origin}: key '{key}.emr.artifacts' points into env '{others[0]}' bucket"
            )
        if not _CLUSTER_ID.match(emr.cluster_id):
            raise ConfigError(f"{origin}: key '{key}.emr.cluster_id' must look like j-ABC123")
        if not _ROLE_ARN.match(emr.scheduler_role_arn):
            raise ConfigError(f"{origin}: key '{key}.emr.scheduler_role_arn' is not a role ARN")
        if emr.action_on_failure not in EMR_ACTIONS_ON_FAILURE:
            raise ConfigError(
                f"{origin}: key '{key}.emr.action_on_failure' must be one of "
                f"{', '.join(EMR_ACTIONS_ON_FAILURE)}"
            )
    if target.databricks:
        _check_databricks(target.databricks, f"{key}.databricks", origin)


def _check_databricks(dbx: DatabricksTarget, key: str, origin: str) -> None:
    if not dbx.artifacts.startswith(("/Workspace/", "/Volumes/")):
        raise ConfigError(f"{origin}: key '{key}.artifacts' must start /Workspace/ or /Volumes/")
    if dbx.compute not in DATABRICKS_COMPUTE:
        raise ConfigError(
            f"{origin}: key '{key}.compute' must be one of {', '.join(DATABRICKS_COMPUTE)}"
        )
    cluster = ("spark_version", "node_type_id", "num_workers", "instance_profile_arn")
    if dbx.compute == "serverless":
        given = [name for name in cluster if getattr(dbx, name) is not None]
        if given:
            raise ConfigError(
                f"{origin}: key '{key}.{given[0]}' is for a job cluster; compute is serverless"
            )
        if dbx.environment_version < 1:
            raise ConfigError(f"{origin}: key '{key}.environment_version' must be >= 1")
        return
    for name in cluster[:3]:
        if getattr(dbx, name) is None:
            raise ConfigError(f"{origin}: missing key '{key}.{name}' (compute is classic)")
    if dbx.num_workers is not None and dbx.num_workers < 1:
        raise ConfigError(f"{origin}: key '{key}.num_workers' must be >= 1")
    profile = dbx.instance_profile_arn
    if profile is not None and not _PROFILE_ARN.match(profile):
        raise ConfigError(
            f"{origin}: key '{key}.instance_profile_arn' is not an instance profile ARN"
        )


def _check_pipeline(pipeline: Pipeline, key: str, origin: str, targets: dict[str, Target]) -> None:
    if not _NAME.match(pipeline.name):
        raise ConfigError(f"{origin}: key '{key}.name' must be 1-64 of [A-Za-z0-9_.-]")
    if pipeline.env not in ENVS:
        raise ConfigError(f"{origin}: key '{key}.env' must be one of {', '.join(ENVS)}")
    if pipeline.env != "local" and pipeline.env not in targets:
        raise ConfigError(f"{origin}: key '{key}.env' is '{pipeline.env}' but targets has no entry")
    try:
        parse_unix_cron(pipeline.cron)
    except CronError as exc:
        raise ConfigError(f"{origin}: key '{key}.cron' {exc}") from None
    pattern = pipeline.source_path_pattern
    if pattern.startswith("/") or urlparse(pattern).scheme:
        raise ConfigError(f"{origin}: key '{key}.source_path_pattern' must be relative to the root")
    unknown = [p for p in _PLACEHOLDER.findall(pattern) if p not in PLACEHOLDERS]
    if unknown:
        raise ConfigError(
            f"{origin}: key '{key}.source_path_pattern' has placeholder {{{unknown[0]}}}; "
            f"known: {', '.join(PLACEHOLDERS)}"
        )
    for arg in pipeline.args:
        if arg == "--env" or "spark.jars" in arg or arg in ("--packages", "--jars"):
            raise ConfigError(f"{origin}: key '{key}.args' must not set '{arg}' (rendered for you)")


def load_schedules(path: Path | None = None) -> Schedules:
    """Load and validate conf/pipelines.yaml (or `path`); raise ConfigError on one line."""
    path = path or pipelines_file()
    origin = str(path)
    if not path.is_file():
        raise ConfigError(f"{origin}: pipelines file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{origin}:{where} invalid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping with keys {', '.join(_TOP_KEYS)}")
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{origin}: unknown key '{key}'")
    if "timezone" not in data:
        raise ConfigError(f"{origin}: missing key 'timezone'")
    timezone = _coerce(data["timezone"], str, "timezone", origin)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{origin}: key 'timezone' '{timezone}' is not a known zone") from None
    raw_targets = data.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise ConfigError(f"{origin}: key 'targets' must be a mapping of env to target")
    targets: dict[str, Target] = {}
    buckets = _data_buckets(path.parent)
    for env, raw in raw_targets.items():
        if env not in ENVS:
            raise ConfigError(f"{origin}: key 'targets.{env}' is not an env ({', '.join(ENVS)})")
        targets[env] = _section(Target, raw, f"targets.{env}", origin)
        _check_target(env, targets[env], origin, buckets)
    raw_pipelines = data.get("pipelines")
    if not isinstance(raw_pipelines, list):
        raise ConfigError(f"{origin}: key 'pipelines' must be a list")
    pipelines: list[Pipeline] = []
    for n, raw in enumerate(raw_pipelines):
        key = f"pipelines[{n}]"
        pipeline: Pipeline = _section(Pipeline, raw, key, origin)
        _check_pipeline(pipeline, key, origin, targets)
        if any(p.name == pipeline.name for p in pipelines):
            raise ConfigError(f"{origin}: key '{key}.name' duplicates pipeline '{pipeline.name}'")
        pipelines.append(pipeline)
    return Schedules(origin, timezone, targets, tuple(pipelines))
