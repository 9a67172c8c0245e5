"""Build the typed, frozen Config dataclasses from flattened key -> (value, origin) pairs."""

import dataclasses
import os
import re
import types
import typing
from typing import Any

import yaml

from scout_spark.errors import ConfigError

_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


def interpolate(value: Any, key: str, origin: str) -> Any:
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


def build(cls: type, flat: dict[str, tuple[Any, str]], prefix: str, sources: str) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for fld in dataclasses.fields(cls):
        if fld.name in ("other_env_roots", "origins"):
            continue
        dotted = f"{prefix}{fld.name}"
        hint = hints[fld.name]
        if dataclasses.is_dataclass(hint):
            kwargs[fld.name] = build(hint, flat, f"{dotted}.", sources)  # type: ignore[arg-type]
        elif dotted in flat:
            raw, origin = flat[dotted]
            value = interpolate(raw, dotted, origin)
            kwargs[fld.name] = _coerce(value, hint, dotted, origin)
        elif (
            fld.default is not dataclasses.MISSING or fld.default_factory is not dataclasses.MISSING
        ):
            continue
        else:
            raise ConfigError(f"{sources}: missing key '{dotted}'")
    return cls(**kwargs)


def known_keys(cls: type, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        if fld.name in ("other_env_roots", "origins"):
            continue
        hint = hints[fld.name]
        if dataclasses.is_dataclass(hint):
            keys |= known_keys(hint, f"{prefix}{fld.name}.")  # type: ignore[arg-type]
        else:
            keys.add(f"{prefix}{fld.name}")
    return keys
