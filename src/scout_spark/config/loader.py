"""Load conf/base.yaml + conf/<env>.yaml (+ --config overlays + --set overrides) into a Config.

Every error is a ConfigError whose message is one line naming the file and the key.
"""

import dataclasses
import os
import re
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from scout_spark.config.model import (
    DATED_DATASETS,
    ENVS,
    JARS_MODES,
    MONITORED_STAGES,
    SSL_MODES,
    Config,
)
from scout_spark.errors import ConfigError

DEFAULT_CONF_DIR = Path(__file__).resolve().parents[3] / "conf"
_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")
# Keys whose values are free-form string maps rather than nested config.
# Mapping-valued keys (their own keys are free-form): spark.extra_conf and the zorder maps.
_MAP_KEYS = {"spark.extra_conf"} | {
    f"maintenance.{layer}.zorder" for layer in ("bronze", "silver", "gold", "platinum", "ops")
}


def conf_dir() -> Path:
    """The conf folder: $SCOUT_CONF_DIR, else the repository's conf/."""
    return Path(os.environ.get("SCOUT_CONF_DIR", DEFAULT_CONF_DIR))


def _flatten(data: Any, origin: str, prefix: str = "") -> dict[str, tuple[Any, str]]:
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at '{prefix or '<top>'}'")
    flat: dict[str, tuple[Any, str]] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and dotted not in _MAP_KEYS:
            flat.update(_flatten(value, origin, f"{dotted}."))
        else:
            flat[dotted] = (value, origin)
    return flat


def _read_yaml(path: Path) -> dict[str, tuple[Any, str]]:
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} invalid YAML") from None
    return _flatten(data, str(path))


def _parse_set(item: str) -> tuple[str, Any]:
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {item}: expected key=value")
    return key.strip(), yaml.safe_load(raw) if raw.strip() else None


def _interpolate(value: Any, key: str, origin: str) -> Any:
    """Expand ${VAR} / ${VAR:-default} in strings (ports, endpoints; never secrets)."""
    if not isinstance(value, str):
        return value

    def repl(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ConfigError(f"{origin}: key '{key}' needs environment variable {name}")
        return default

    expanded = _ENV_REF.sub(repl, value)
    return yaml.safe_load(expanded) if expanded != value else value


def _coerce(value: Any, hint: Any, key: str, origin: str) -> Any:
    optional = isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
    base = hint
    if isinstance(hint, types.UnionType):
        base = next(a for a in typing.get_args(hint) if a is not type(None))
    if value is None:
        if optional:
            return None
        raise ConfigError(f"{origin}: key '{key}' must not be empty")
    origin_type = typing.get_origin(base) or base
    if origin_type is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{origin}: key '{key}' must be a list of strings")
        return tuple(value)
    if origin_type is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: key '{key}' must be a mapping")
        return {str(k): str(v) for k, v in value.items()}
    if origin_type is bool and not isinstance(value, bool):
        raise ConfigError(f"{origin}: key '{key}' must be true or false, got {value!r}")
    if origin_type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{origin}: key '{key}' must be an integer, got {value!r}")
    if origin_type is str and not isinstance(value, str):
        raise ConfigError(f"{origin}: key '{key}' must be a string, got {value!r}")
    if origin_type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{origin}: key '{key}' must be a number, got {value!r}")
        return float(value)
    return value


def _build(cls: type, flat: dict[str, tuple[Any, str]], prefix: str, sources: str) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for fld in dataclasses.fields(cls):
        if fld.name in ("other_env_roots", "origins"):
            continue
        dotted = f"{prefix}{fld.name}"
        hint = hints[fld.name]
        if dataclasses.is_dataclass(hint):
            kwargs[fld.name] = _build(hint, flat, f"{dotted}.", sources)  # type: ignore[arg-type]
        elif dotted in flat:
            raw, origin = flat[dotted]
            value = _interpolate(raw, dotted, origin)
            kwargs[fld.name] = _coerce(value, hint, dotted, origin)
        elif (
            fld.default is not dataclasses.MISSING or fld.default_factory is not dataclasses.MISSING
        ):
            continue
        else:
            raise ConfigError(f"{sources}: missing key '{dotted}'")
    return cls(**kwargs)


def _known_keys(cls: type, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        if fld.name in ("other_env_roots", "origins"):
            continue
        hint = hints[fld.name]
        if dataclasses.is_dataclass(hint):
            keys |= _known_keys(hint, f"{prefix}{fld.name}.")  # type: ignore[arg-type]
        else:
            keys.add(f"{prefix}{fld.name}")
    return keys


def _bucket(root: str) -> str | None:
    """scheme://authority of an object-store root; None for local paths."""
    parsed = urlparse(root)
    if parsed.scheme in ("", "file") or not parsed.netloc:
        return None
    scheme = "s3" if parsed.scheme in ("s3", "s3a", "s3n") else parsed.scheme
    return f"{scheme}://{parsed.netloc}"


def _absolute(root: str) -> str:
    """A local root as an absolute file: URI (relative to the working directory)."""
    if urlparse(root).scheme:
        return root
    return Path(root).resolve().as_uri() + "/"


def _env_roots(directory: Path, env: str) -> tuple[str, ...]:
    flat = _read_yaml(directory / f"{env}.yaml")
    return tuple(str(flat[k][0]) for k in ("source.root", "lake.root") if k in flat)


def _check_env_isolation(config: Config, flat: dict[str, tuple[Any, str]]) -> None:
    own = {"source.root": config.source.root, "lake.root": config.lake.root}
    for other_env, roots in config.other_env_roots.items():
        other_buckets = {b for b in map(_bucket, roots) if b}
        for key, root in own.items():
            bucket = _bucket(root)
            if bucket and bucket in other_buckets:
                raise ConfigError(
                    f"{flat[key][1]}: key '{key}' = {root} points into env "
                    f"'{other_env}' bucket {bucket}; a {config.env} run must not write there"
                )


def _validate_values(config: Config, flat: dict[str, tuple[Any, str]]) -> None:
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
    _validate_monitors(config, where)


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


def load_config(
    env: str,
    overlays: typing.Sequence[str | Path] = (),
    overrides: typing.Sequence[str] = (),
    directory: Path | None = None,
) -> Config:
    """Load and validate one env's config; raise ConfigError with a one-line message."""
    directory = directory or conf_dir()
    if env not in ENVS:
        raise ConfigError(f"--env {env}: unknown env; expected one of {', '.join(ENVS)}")
    files = [directory / "base.yaml", directory / f"{env}.yaml", *map(Path, overlays)]
    flat: dict[str, tuple[Any, str]] = {}
    for path in files:
        flat.update(_read_yaml(path))
    for item in overrides:
        key, value = _parse_set(item)
        if isinstance(value, dict) and key not in _MAP_KEYS:
            flat.update(_flatten(value, f"--set {item}", f"{key}."))
        else:
            flat[key] = (value, f"--set {item}")
    flat.setdefault("env", (env, "--env"))
    known = _known_keys(Config)
    for key, (_, origin) in flat.items():
        if key not in known and not any(key.startswith(f"{m}.") for m in _MAP_KEYS):
            raise ConfigError(f"{origin}: unknown key '{key}'")
    for map_key in _MAP_KEYS:
        extra = {
            k[len(map_key) + 1 :]: v for k, (v, _) in flat.items() if k.startswith(f"{map_key}.")
        }
        if extra:
            base = dict(flat.get(map_key, ({}, "conf"))[0] or {})
            flat[map_key] = ({**base, **extra}, "--set")
    sources = " + ".join(str(p) for p in files)
    config: Config = _build(Config, flat, "", sources)
    if config.env != env:
        raise ConfigError(f"{flat['env'][1]}: key 'env' is '{config.env}' but --env is '{env}'")
    others = {e: _env_roots(directory, e) for e in ENVS if e != env}
    config = dataclasses.replace(
        config,
        source=dataclasses.replace(config.source, root=_absolute(config.source.root)),
        lake=dataclasses.replace(config.lake, root=_absolute(config.lake.root)),
        other_env_roots=others,
        origins=tuple(str(p) for p in files),
    )
    _validate_values(config, flat)
    _check_env_isolation(config, flat)
    return config
