"""Local services on loopback: a moto S3 endpoint, a private PostgreSQL, a Spark Connect server."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from scout_lab.services import connect, postgres, s3
from scout_lab.services.pgcluster import read_password
from scout_lab.services.state import (
    LOOPBACK,
    ServiceStatus,
    env_file,
    read_env_file,
    resolve_state_dir,
    state_lock,
    write_env_file,
)
from scout_spark.errors import ConfigError

__all__ = [
    "SERVICES",
    "ServiceStatus",
    "env_file_path",
    "load_services_env",
    "start_all",
    "status",
    "stop_all",
]

SERVICES: tuple[str, ...] = (s3.NAME, postgres.NAME, connect.NAME)
# The Connect server (a JVM of its own) starts only when named; stop and status cover all.
DEFAULT_START: tuple[str, ...] = (s3.NAME, postgres.NAME)
_MODULES: dict[str, ModuleType] = {s3.NAME: s3, postgres.NAME: postgres, connect.NAME: connect}


def _names(services: Iterable[str] | None, default: tuple[str, ...] = SERVICES) -> list[str]:
    names = list(services) if services else list(default)
    unknown = sorted(set(names) - set(SERVICES))
    if unknown:
        raise ConfigError(
            f"unknown service {', '.join(unknown)}: choose from {', '.join(SERVICES)}"
        )
    return names


def _env_values(folder: Path) -> dict[str, str]:
    """The services.env content for whichever services run now."""
    values: dict[str, str] = {}
    s3_now = s3.status(folder)
    if s3_now.is_running and s3_now.endpoint:
        values |= {
            "SCOUT_S3_ENDPOINT": s3_now.endpoint,
            "AWS_ACCESS_KEY_ID": s3.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": s3.SECRET_KEY,
            "AWS_REGION": s3.REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    pg_now = postgres.status(folder)
    password = read_password(folder)
    if pg_now.is_running and pg_now.port is not None and password:
        values |= {
            "SCOUT_PG_HOST": LOOPBACK,
            "SCOUT_PG_PORT": str(pg_now.port),
            "SCOUT_PG_USER": postgres.ROLE,
            "SCOUT_PG_DATABASE": postgres.DATABASE,
            "SCOUT_PG_PASSWORD": password,
        }
    connect_now = connect.status(folder)
    if connect_now.is_running and connect_now.endpoint:
        # Not SPARK_REMOTE: sourcing services.env must leave classic runs classic.
        values["SCOUT_SPARK_REMOTE"] = connect_now.endpoint
    return values


def start_all(
    services: Iterable[str] | None = None, state_dir: Path | None = None
) -> dict[str, ServiceStatus]:
    """Start the named services (default s3 and postgres) unless running; rewrite services.env.

    Started in SERVICES order, so a Connect server named with s3 finds the endpoint running.
    """
    names = sorted(_names(services, DEFAULT_START), key=SERVICES.index)
    folder = resolve_state_dir(state_dir)
    with state_lock(folder):
        try:
            return {name: _MODULES[name].start(folder) for name in names}
        finally:
            write_env_file(folder, _env_values(folder))


def stop_all(
    services: Iterable[str] | None = None, state_dir: Path | None = None
) -> dict[str, ServiceStatus]:
    """Stop the named services (default all); services.env keeps only those still running."""
    names = _names(services)
    folder = resolve_state_dir(state_dir)
    with state_lock(folder):
        try:
            return {name: _MODULES[name].stop(folder) for name in names}
        finally:
            write_env_file(folder, _env_values(folder))


def status(
    services: Iterable[str] | None = None, state_dir: Path | None = None
) -> dict[str, ServiceStatus]:
    """Whether each named service runs and answers, without changing anything.

    Default: the services `start` starts by default, plus the Connect server once started.
    """
    folder = resolve_state_dir(state_dir)
    default = DEFAULT_START
    if connect.was_started(folder):
        default = (*default, connect.NAME)
    return {name: _MODULES[name].status(folder) for name in _names(services, default)}


def env_file_path(state_dir: Path | None = None) -> Path:
    """Where services.env is (or will be) written."""
    return env_file(resolve_state_dir(state_dir, create=False))


def load_services_env(state_dir: Path | None = None) -> dict[str, str]:
    """Read services.env into os.environ and return its values; empty when absent."""
    values = read_env_file(env_file_path(state_dir).parent)
    os.environ.update(values)
    return values
