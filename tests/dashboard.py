"""The dashboard's state in one Postgres snapshot: row count and content checksum per table.

Shared by the integration and end-to-end tests (tests/ is on the path: its conftest.py).
"""

import psycopg
from psycopg import sql

from scout_spark.config import Config
from scout_spark.publish.connection import psycopg_kwargs
from scout_spark.publish.tables import PUBLISH_TABLES

STATE_SQL = ", ".join(
    f"(SELECT count(*) || '/' || coalesce(sum(hashtext(t::text)::bigint), 0) FROM {t.pg_table} AS t)"
    for t in PUBLISH_TABLES
)


def dashboard_state(conn: psycopg.Connection) -> tuple[str, ...]:
    """Row count and content checksum of every dashboard table, from ONE snapshot."""
    row = conn.execute(f"SELECT {STATE_SQL}").fetchone()
    assert row is not None
    return tuple(row)


def schema_state(config: Config, schema: str) -> tuple[str, ...]:
    """dashboard_state of `schema` on config's Postgres."""
    with psycopg.connect(**psycopg_kwargs(config.postgres), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
        return dashboard_state(conn)


def config_state(config: Config) -> tuple[str, ...]:
    """dashboard_state of the schema `config` publishes to."""
    return schema_state(config, config.postgres.schema)


def drop_schema(config: Config, schema: str) -> None:
    """DROP SCHEMA ... CASCADE, if it exists."""
    with psycopg.connect(**psycopg_kwargs(config.postgres), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
