"""Versioned SQL migrations of the dashboard schema, applied idempotently under a lock.

`V<nnn>__<what>.sql` files run once each, in order; `R__<what>.sql` files (roles and
grants) run again whenever they change or a versioned file was applied. What ran is kept
in `<schema>.schema_migrations` with a checksum; an applied file that changed afterwards is
an error. Every script runs with search_path set to the target schema. All pending scripts
apply in one transaction under a global advisory lock, so concurrent runs take turns and a
failed migration leaves nothing behind. Migrations only add: nothing drops a dashboard table.
"""

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from psycopg import Connection, sql

from scout_spark.config.model import PostgresConfig
from scout_spark.errors import ScoutError
from scout_spark.publish.connection import connect, safe_message

_NAME = re.compile(r"^(?:V(?P<version>\d+)|R)__(?P<what>[a-z0-9_]+)\.sql$")
# One key for every schema: roles are cluster-wide, so migrations of two schemas take turns.
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('scout_spark.publish.migrate'))"
MIGRATIONS_TABLE = "schema_migrations"


class MigrationError(ScoutError):
    """A migration cannot be applied (changed after it ran, or lacking privileges)."""


@dataclass(frozen=True)
class Script:
    """One migration file: its name without `.sql`, whether versioned, its text."""

    name: str
    is_versioned: bool
    text: str

    @property
    def checksum(self) -> str:
        """sha256 of the file's text."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def load_scripts() -> list[Script]:
    """The packaged migration files: versioned ones by number, then repeatable ones by name."""
    folder = resources.files("scout_spark.publish") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        text = entry.read_text(encoding="utf-8")
        scripts.append(Script(entry.name.removesuffix(".sql"), match["version"] is not None, text))
    return sorted(scripts, key=lambda s: (not s.is_versioned, s.name))


def _applied(conn: Connection, schema: str) -> dict[str, str] | None:
    """script -> checksum of what ran; None when the migrations table does not exist."""
    table = sql.Identifier(schema, MIGRATIONS_TABLE)
    found = conn.execute("SELECT to_regclass(%s)", [table.as_string(conn)]).fetchone()
    if found is None or found[0] is None:
        return None
    rows = conn.execute(sql.SQL("SELECT script, checksum FROM {}").format(table)).fetchall()
    return {name: checksum for name, checksum in rows}


def pending_scripts(scripts: list[Script], applied: dict[str, str]) -> list[Script]:
    """The scripts to run now; raises when an applied versioned script has changed."""
    for script in scripts:
        done = applied.get(script.name)
        if script.is_versioned and done is not None and done != script.checksum:
            raise MigrationError(
                f"migration {script.name} changed after it was applied: add a new "
                "versioned file instead of editing an applied one"
            )
    versioned = [s for s in scripts if s.is_versioned and s.name not in applied]
    repeatable = [
        s
        for s in scripts
        if not s.is_versioned and (versioned or applied.get(s.name) != s.checksum)
    ]
    return versioned + repeatable


def _apply(conn: Connection, pg: PostgresConfig, scripts: list[Script]) -> list[str]:
    """Inside the caller's transaction: create the schema, run what is pending, record it."""
    schema = pg.schema
    conn.execute(LOCK_SQL)
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    table = sql.Identifier(schema, MIGRATIONS_TABLE)
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (script text PRIMARY KEY, checksum text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        ).format(table)
    )
    todo = pending_scripts(scripts, _applied(conn, schema) or {})
    for script in todo:
        conn.execute(sql.SQL("SET LOCAL search_path = {}").format(sql.Identifier(schema)))
        conn.execute(script.text.encode())
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (script, checksum) VALUES (%s, %s) ON CONFLICT (script) "
                "DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()"
            ).format(table),
            [script.name, script.checksum],
        )
    return [s.name for s in todo]


def migrate(pg: PostgresConfig) -> list[str]:
    """Bring `pg.schema` up to date; returns the scripts applied (empty when current)."""
    scripts = load_scripts()
    with connect(pg, autocommit=True, purpose="migrate") as conn:
        applied = _applied(conn, pg.schema)
        if applied is not None and not pending_scripts(scripts, applied):
            return []  # up to date: read-only, so a publisher without DDL rights gets here
        try:
            with conn.transaction():
                return _apply(conn, pg, scripts)
        except MigrationError:
            raise
        except Exception as exc:
            raise MigrationError(
                f"migrating Postgres schema {pg.schema} as {pg.user} failed: "
                f"{safe_message(exc, pg)} (migrations need the schema owner's rights)"
            ) from None
