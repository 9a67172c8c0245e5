"""Value checks of a built Config: ranges, choices, and no secrets in spark.extra_conf.

Every error is a ConfigError whose message is one line naming the file and the key.
"""

import dataclasses
import re
import typing
from typing import Any

from scout_spark.config.driver_memory import memory_mib
from scout_spark.config.model import (
    DATED_DATASETS,
    ENVS,
    JARS_MODES,
    MONITORED_STAGES,
    SSL_MODES,
    Config,
)
from scout_spark.errors import ConfigError, redact

# Spark's own spark.redaction.regex (secret|password|token|access[.]key), plus credentials
# and the key settings of S3A (SSE-C), ABFS (account keys, SAS) and GCS (private keys).
_SECRET_CONF_KEY = re.compile(
    r"secret|passw(or)?d|token|credential|access[._-]?key|account\.key|private[._-]?key"
    r"|encryption\.key|(^|\.)sas(\.|$)|(^|\.)key$",
    re.IGNORECASE,
)
# Settings that name a class or a file rather than hold a secret (e.g.
# fs.s3a.aws.credentials.provider, fs.s3a.delegation.token.binding).
_NOT_A_SECRET = re.compile(r"\.(provider|providers|binding|provider\.type)$", re.IGNORECASE)


def check_extra_conf(extra_conf: dict[str, str], where: str) -> None:
    """Refuse a secret-bearing spark.extra_conf key, or a value carrying a secret."""
    for key, value in extra_conf.items():
        is_secret_key = bool(_SECRET_CONF_KEY.search(key)) and not _NOT_A_SECRET.search(key)
        if is_secret_key or redact(value) != value:
            raise ConfigError(
                f"{where}: key 'spark.extra_conf.{key}' would put a secret in config; "
                "give it through the environment or a credentials provider "
                "(s3.credentials_provider, the AWS default chain, the platform's secret store)"
            )


def validate_values(config: Config, flat: dict[str, tuple[Any, str]]) -> None:
    def where(key: str) -> str:
        return flat[key][1] if key in flat else "conf"

    if config.env not in ENVS:
        raise ConfigError(f"{where('env')}: key 'env' must be one of {', '.join(ENVS)}")
    if config.spark.jars not in JARS_MODES:
        raise ConfigError(
            f"{where('spark.jars')}: key 'spark.jars' must be one of {', '.join(JARS_MODES)}"
        )
    if config.postgres.sslmode not in SSL_MODES:
        raise ConfigError(
            f"{where('postgres.sslmode')}: key 'postgres.sslmode' must be one of "
            f"{', '.join(SSL_MODES)}"
        )
    if not 0 < config.postgres.port < 65536:
        raise ConfigError(f"{where('postgres.port')}: key 'postgres.port' must be 1-65535")
    window = config.maintenance.rollback_window_hours
    for layer in ("bronze", "silver", "gold", "platinum", "ops"):
        key = f"maintenance.{layer}.vacuum_retention_hours"
        if getattr(config.maintenance, layer).vacuum_retention_hours < window:
            raise ConfigError(
                f"{where(key)}: key '{key}' must be at least maintenance.rollback_window_hours "
                f"({window}): VACUUM would delete files a rollback needs"
            )
    if config.publish.window_days < 1:
        raise ConfigError(f"{where('publish.window_days')}: key 'publish.window_days' must be >= 1")
    if config.spark.shuffle_partitions < 1:
        raise ConfigError(
            f"{where('spark.shuffle_partitions')}: key 'spark.shuffle_partitions' must be >= 1"
        )
    memory = config.spark.driver_memory
    if memory is not None and memory_mib(memory) is None:
        raise ConfigError(
            f"{where('spark.driver_memory')}: key 'spark.driver_memory' must be a size such "
            "as 4g or 4096m"
        )
    _validate_monitors(config, where)
    check_extra_conf(config.spark.extra_conf, where("spark.extra_conf"))


def _validate_monitors(config: Config, where: typing.Callable[[str], str]) -> None:
    monitors = config.monitors
    at_least_one = {
        **{
            f"monitors.freshness_hours.{f.name}": getattr(monitors.freshness_hours, f.name)
            for f in dataclasses.fields(monitors.freshness_hours)
        },
        "monitors.volume.baseline_runs": monitors.volume.baseline_runs,
        "monitors.volume.min_baseline_runs": monitors.volume.min_baseline_runs,
        "monitors.date_gaps.lookback_days": monitors.date_gaps.lookback_days,
        "monitors.reconciliation.lookback_days": monitors.reconciliation.lookback_days,
    }
    for key, value in at_least_one.items():
        if value < 1:
            raise ConfigError(f"{where(key)}: key '{key}' must be >= 1")
    volume = monitors.volume
    if volume.min_baseline_runs > volume.baseline_runs:
        key = "monitors.volume.min_baseline_runs"
        raise ConfigError(
            f"{where(key)}: key '{key}' must not exceed monitors.volume.baseline_runs"
        )
    if not 0 <= volume.low_ratio < 1 < volume.high_ratio:
        key = "monitors.volume.low_ratio"
        raise ConfigError(
            f"{where(key)}: keys 'monitors.volume.low_ratio' and 'monitors.volume.high_ratio' "
            "must satisfy 0 <= low_ratio < 1 < high_ratio"
        )
    choices = {
        "monitors.zero_rows.stages": (monitors.zero_rows.stages, MONITORED_STAGES),
        "monitors.date_gaps.datasets": (monitors.date_gaps.datasets, DATED_DATASETS),
    }
    for key, (values, allowed) in choices.items():
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ConfigError(
                f"{where(key)}: key '{key}' has {', '.join(unknown)}; "
                f"expected some of {', '.join(allowed)}"
            )
    if monitors.reconciliation.money_tolerance < 0:
        key = "monitors.reconciliation.money_tolerance"
        raise ConfigError(f"{where(key)}: key '{key}' must be >= 0")
