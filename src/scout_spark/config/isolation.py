"""Env isolation: a run of one env never writes under another env's roots, nor publishes to
another env's Postgres. Locations are compared normalised, so spelling cannot bypass it.
"""

import ipaddress
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from scout_spark.errors import ConfigError

_S3 = ("s3", "s3a", "s3n")  # one store, three Hadoop connectors
_AZURE = ("abfs", "abfss", "wasb", "wasbs")  # ADLS Gen2 / Blob: the same containers
_BUCKET_STORES = (*_S3, *_AZURE, "gs")
DEFAULT_PG_PORT = 5432


@dataclass(frozen=True)
class Location:
    """A root as its store and path; an object store (`is_bucket`) belongs wholly to one env."""

    store: str  # s3://bucket, abfs://container@account.core.windows.net, file://, hdfs://host
    parts: tuple[str, ...]
    is_bucket: bool

    def overlaps(self, other: "Location") -> bool:
        """Same bucket, or one path under (or equal to) the other."""
        if self.store != other.store:
            return False
        if self.is_bucket:
            return True
        shorter = min(len(self.parts), len(other.parts))
        return self.parts[:shorter] == other.parts[:shorter]


def _host(netloc_host: str | None) -> str:
    # DNS names and bucket names are case-insensitive; a trailing dot is the same name.
    return unquote(netloc_host or "").lower().rstrip(".")


def _path_parts(path: str) -> tuple[str, ...]:
    normal = posixpath.normpath("/" + unquote(path))
    return tuple(p for p in normal.split("/") if p)


def location(root: str) -> Location:
    """`root` normalised: s3/s3a/s3n one scheme, host case and ports dropped, abfs(s) and
    wasb(s) as container@account, local paths resolved (symlinks too)."""
    parsed = urlparse(root.strip())
    scheme = parsed.scheme
    if scheme in ("", "file"):
        path = unquote(parsed.path) if scheme == "file" else root
        return Location("file://", Path(path).expanduser().resolve().parts[1:], False)
    if scheme in _AZURE:
        # container@account.dfs.core.windows.net; accounts and containers are lower-case
        # only in Azure, so any other spelling names the same one (or none).
        container = unquote(parsed.username or "").lower()
        account, _, suffix = _host(parsed.hostname).partition(".")
        suffix = suffix.split(".", 1)[-1]  # dfs.core.windows.net and blob.core... alike
        if not container or not account:
            raise ValueError("expected container@account")
        return Location(f"abfs://{container}@{account}.{suffix}", _path_parts(parsed.path), True)
    host = _host(parsed.hostname)
    if scheme in _BUCKET_STORES:
        if not host:
            raise ValueError("expected a bucket")
        store = "s3" if scheme in _S3 else scheme
        return Location(f"{store}://{host}", _path_parts(parsed.path), True)
    return Location(f"{scheme}://{host}", _path_parts(parsed.path), False)


def parse_location(root: str, where: str, key: str) -> Location:
    """location(root), or a one-line ConfigError naming the key."""
    try:
        return location(root)
    except ValueError as exc:
        raise ConfigError(f"{where}: key '{key}' = {root} is not a valid location: {exc}") from None


def check_roots(
    env: str,
    own: dict[str, tuple[str, str]],
    others: dict[str, dict[str, str]],
) -> None:
    """Refuse an own root (key -> (root, where)) overlapping any root of another env."""
    for other_env, roots in others.items():
        for other_key, other_root in roots.items():
            theirs = parse_location(other_root, f"conf/{other_env}.yaml", other_key)
            for key, (root, where) in own.items():
                mine = parse_location(root, where, key)
                if not mine.overlaps(theirs):
                    continue
                into = f"bucket {mine.store}" if mine.is_bucket else f"root {other_root}"
                raise ConfigError(
                    f"{where}: key '{key}' = {root} points into env '{other_env}' {into}; "
                    f"a {env} run must not write there"
                )


@dataclass(frozen=True)
class PgTarget:
    """A Postgres database as host:port/database (loopback names as one host)."""

    host: str
    port: int
    database: str

    def __str__(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"


def pg_target(host: str, port: int, database: str) -> PgTarget:
    """Normalised: host case, brackets and trailing dot dropped; every loopback is localhost."""
    name = host.strip().strip("[]").lower().rstrip(".")
    try:
        if ipaddress.ip_address(name).is_loopback:
            name = "localhost"
    except ValueError:
        pass
    return PgTarget(name, port, database)


def split_pg_target(text: str, where: str) -> tuple[str, int, str]:
    """'host[:port]/database' as (host, port, database), or a one-line ConfigError."""
    parsed = urlparse(f"//{text.strip()}")
    database = parsed.path.lstrip("/")
    try:
        port = parsed.port or DEFAULT_PG_PORT
    except ValueError:
        port = 0
    if not parsed.hostname or not database or "/" in database or not 0 < port < 65536:
        raise ConfigError(f"{where}: key 'postgres.target' = {text} must be host[:port]/database")
    return parsed.hostname, port, database


def check_pg_target(
    env: str,
    connection: PgTarget,
    where: str,
    own: tuple[str, str] | None,
    others: dict[str, tuple[str, str]],
) -> None:
    """Refuse a connection to another env's postgres.target, or (when the env names one)
    to anything but its own. `own` and each of `others`: (target text, where it is set)."""
    for other_env, (text, origin) in others.items():
        if pg_target(*split_pg_target(text, origin)) == connection:
            raise ConfigError(
                f"{where}: Postgres {connection} is env '{other_env}'s postgres.target "
                f"({origin}); a {env} run must not publish there"
            )
    if own is not None:
        target = pg_target(*split_pg_target(*own))
        if target != connection:
            raise ConfigError(
                f"{where}: Postgres {connection} is not postgres.target {target} ({own[1]}); "
                f"a {env} run publishes only there"
            )
