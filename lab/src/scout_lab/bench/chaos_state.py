"""A chaos trial's world: landing, lake and Postgres schema, and copies of a prepared one.

A prepared state is a lake folder plus a Postgres schema, saved just before a stage runs;
each trial and the reference run get their own copy of both (the landing is shared: no
stage writes to it, and bronze identifies a file by its path, size and modification time).
"""

import dataclasses
import shutil
import uuid
from pathlib import Path

from psycopg import sql

from scout_lab.bench.workspace import place_overrides
from scout_lab.small_runs import SMALL_RUN_SETTINGS
from scout_spark.config import Config
from scout_spark.publish.connection import connect
from scout_spark.publish.migrate import MIGRATIONS_TABLE, migrate

SCHEMA_PREFIX = "chaos_"


@dataclasses.dataclass(frozen=True)
class World:
    """Where one run reads and writes: `config` points the lake and Postgres at it."""

    folder: Path
    landing: Path
    config: Config

    @property
    def lake(self) -> Path:
        return self.folder / "lake"

    def overrides(self) -> list[str]:
        """The same places as `--set` options of a spark-submit job."""
        return [*place_overrides(self.config), *SMALL_RUN_SETTINGS]


def new_schema(label: str) -> str:
    return f"{SCHEMA_PREFIX}{label}_{uuid.uuid4().hex[:8]}"


def world(
    base: Config,
    folder: Path,
    landing: Path,
    lake_root: str | None = None,
    schema: str | None = None,
) -> World:
    """A world under `folder` (lake/ there unless `lake_root`), with a fresh schema name
    unless `schema`."""
    config = dataclasses.replace(
        base,
        source=dataclasses.replace(base.source, root=landing.as_uri() + "/"),
        lake=dataclasses.replace(base.lake, root=lake_root or (folder / "lake").as_uri() + "/"),
        postgres=dataclasses.replace(
            base.postgres, schema=schema or new_schema(folder.name[:20].replace("-", "_"))
        ),
    )
    folder.mkdir(parents=True, exist_ok=True)
    return World(folder, landing, config)


def copy_world(source: World, folder: Path) -> World:
    """A copy of `source`'s lake folder and Postgres schema under `folder`."""
    target = world(source.config, folder, source.landing)
    if source.lake.exists():
        shutil.copytree(source.lake, target.lake)
    copy_schema(source.config, target.config)
    return target


def _tables(conn, schema: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def copy_schema(source: Config, target: Config) -> None:
    """Migrate `target`'s schema, then copy every row of `source`'s dashboard tables into it.

    Identity columns keep their values and their sequences move past them, so the copy
    behaves as the original would on the next insert.
    """
    migrate(target.postgres)
    src, dst = source.postgres.schema, target.postgres.schema
    with connect(target.postgres, autocommit=False, purpose="chaos-copy") as conn:
        for table in _tables(conn, src):
            if table == MIGRATIONS_TABLE:
                continue
            conn.execute(
                sql.SQL("INSERT INTO {} OVERRIDING SYSTEM VALUE SELECT * FROM {}").format(
                    sql.Identifier(dst, table), sql.Identifier(src, table)
                )
            )
            identity = conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s AND is_identity = 'YES'",
                [dst, table],
            ).fetchall()
            for (column,) in identity:
                conn.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), "
                        "COALESCE((SELECT max({}) FROM {}), 0) + 1, false)"
                    ).format(sql.Identifier(column), sql.Identifier(dst, table)),
                    [sql.Identifier(dst, table).as_string(conn), column],
                )
        conn.commit()


def drop_world(item: World) -> None:
    """Remove a world's lake and its Postgres schema (only chaos_* schemas); its run logs
    stay, for the trials that differ."""
    schema = item.config.postgres.schema
    if not schema.startswith(SCHEMA_PREFIX):
        raise ValueError(f"refusing to drop schema {schema}: not a chaos schema")
    with connect(item.config.postgres, autocommit=True, purpose="chaos-drop") as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    shutil.rmtree(item.lake, ignore_errors=True)
