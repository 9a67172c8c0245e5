"""Postgres connection settings for JDBC (Spark) and psycopg; the password only from env."""

import os

import psycopg
from psycopg import Connection

from scout_spark.config.model import PostgresConfig
from scout_spark.errors import ConfigError, ScoutError, error_line


class PostgresUnreachableError(ScoutError):
    """The dashboard database cannot be reached or refuses the login."""


def password(pg: PostgresConfig) -> str:
    """The password from the environment variable the config names."""
    value = os.environ.get(pg.password_env)
    if not value:
        raise ConfigError(
            f"environment variable {pg.password_env} (postgres.password_env) is not set"
        )
    return value


def jdbc_url(pg: PostgresConfig) -> str:
    """JDBC URL without credentials (they go in the properties)."""
    return (
        f"jdbc:postgresql://{pg.host}:{pg.port}/{pg.database}"
        f"?sslmode={pg.sslmode}&connectTimeout={pg.connect_timeout_s}"
        f"&options=-c%20statement_timeout%3D{pg.statement_timeout_ms}"
        "&reWriteBatchedInserts=true&ApplicationName=scout-lakehouse"
    )


def jdbc_properties(pg: PostgresConfig) -> dict[str, str]:
    """Driver, user and password for Spark's JDBC reader and writer."""
    return {"driver": "org.postgresql.Driver", "user": pg.user, "password": password(pg)}


def psycopg_kwargs(pg: PostgresConfig) -> dict[str, object]:
    """Keyword arguments for psycopg.connect()."""
    return {
        "host": pg.host,
        "port": pg.port,
        "dbname": pg.database,
        "user": pg.user,
        "password": password(pg),
        "sslmode": pg.sslmode,
        "connect_timeout": pg.connect_timeout_s,
        "options": f"-c statement_timeout={pg.statement_timeout_ms}",
        "application_name": "scout-lakehouse",
    }


def connect(pg: PostgresConfig, *, autocommit: bool = False, purpose: str = "") -> Connection:
    """A psycopg connection; `purpose` tags application_name (seen in pg_stat_activity)."""
    kwargs = psycopg_kwargs(pg)
    if purpose:
        kwargs["application_name"] = f"scout-lakehouse:{purpose}"
    try:
        return psycopg.connect(**kwargs, autocommit=autocommit)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        raise PostgresUnreachableError(
            f"cannot connect to Postgres {pg.host}:{pg.port}/{pg.database} as {pg.user}: "
            f"{safe_message(exc, pg)}"
        ) from None


def safe_message(exc: BaseException, pg: PostgresConfig) -> str:
    """The first line of an error, the password (and any other secret) redacted, then cut."""
    return error_line(exc, limit=400, secret_env=(pg.password_env,))
