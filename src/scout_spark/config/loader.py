"""Load conf/base.yaml + conf/<env>.yaml (+ --config overlays + --set overrides) into a Config.

Every error is a ConfigError whose message is one line naming the file and the key.
"""

import dataclasses
import os
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from scout_spark.config.build import build, interpolate, known_keys
from scout_spark.config.isolation import check_pg_target, check_roots, pg_target, split_pg_target
from scout_spark.config.model import ENVS, Config
from scout_spark.config.validate import validate_values
from scout_spark.errors import ConfigError

ROOT_KEYS = ("source.root", "lake.root")
DEFAULT_CONF_DIR = Path(__file__).resolve().parents[3] / "conf"
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


def _absolute(root: str) -> str:
    """A local root as an absolute file: URI (relative to the working directory)."""
    if urlparse(root).scheme:
        return root
    return Path(root).resolve().as_uri() + "/"


def _literal_target(flat: dict[str, tuple[Any, str]]) -> tuple[str, str] | None:
    """(postgres.target, where) when set; it must be literal: other envs compare against it."""
    raw, origin = flat.get("postgres.target", (None, ""))
    if raw is None:
        return None
    if not isinstance(raw, str) or "${" in raw:
        raise ConfigError(
            f"{origin}: key 'postgres.target' must be a literal host[:port]/database "
            "(other envs compare against it)"
        )
    return raw, origin


def _fill_from_target(flat: dict[str, tuple[Any, str]], base: str) -> None:
    """postgres.host/port/database default to the env's postgres.target (over base.yaml's)."""
    own = _literal_target(flat)
    if own is None:
        return
    parts = dict(zip(("host", "port", "database"), split_pg_target(*own), strict=True))
    for name, value in parts.items():
        if flat.get(f"postgres.{name}", (None, base))[1] == base:
            flat[f"postgres.{name}"] = (value, own[1])


def _other_envs(directory: Path, env: str) -> dict[str, dict[str, tuple[Any, str]]]:
    """Every other env's own yaml (its roots and postgres.target), values interpolated."""
    others = {}
    for other in (e for e in ENVS if e != env):
        flat = _read_yaml(directory / f"{other}.yaml")
        others[other] = {
            key: (interpolate(value, key, origin), origin)
            for key, (value, origin) in flat.items()
            if key in ("source.root", "lake.root") and value is not None
        }
        target = _literal_target(flat)
        if target is not None:
            others[other]["postgres.target"] = target
    return others


def _check_isolation(
    config: Config, flat: dict[str, tuple[Any, str]], others: dict[str, dict[str, Any]], base: str
) -> None:
    """Roots and the Postgres connection against every other env's (config.isolation)."""
    check_roots(
        config.env,
        {k: (getattr(config, k.split(".")[0]).root, flat[k][1]) for k in ROOT_KEYS},
        {e: {k: str(v[0]) for k, v in o.items() if k in ROOT_KEYS} for e, o in others.items()},
    )
    pg = config.postgres
    own = _literal_target(flat)
    origins = [flat[f"postgres.{k}"][1] for k in ("host", "port", "database")]
    changed = [o for o in origins if o not in (base, own[1] if own else None)]
    check_pg_target(
        config.env,
        pg_target(pg.host, pg.port, pg.database),
        changed[0] if changed else origins[0],
        own,
        {e: o["postgres.target"] for e, o in others.items() if "postgres.target" in o},
    )


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
    known = known_keys(Config)
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
    base_file = str(files[0])
    _fill_from_target(flat, base_file)
    sources = " + ".join(str(p) for p in files)
    config: Config = build(Config, flat, "", sources)
    if config.env != env:
        raise ConfigError(f"{flat['env'][1]}: key 'env' is '{config.env}' but --env is '{env}'")
    others = _other_envs(directory, env)
    config = dataclasses.replace(
        config,
        source=dataclasses.replace(config.source, root=_absolute(config.source.root)),
        lake=dataclasses.replace(config.lake, root=_absolute(config.lake.root)),
        other_env_roots={
            e: tuple(str(v[0]) for k, v in o.items() if k in ROOT_KEYS) for e, o in others.items()
        },
        origins=tuple(str(p) for p in files),
    )
    validate_values(config, flat)
    _check_isolation(config, flat, others, base_file)
    return config
