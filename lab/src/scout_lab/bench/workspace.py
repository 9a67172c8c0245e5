"""A benchmark's own landing folder, lake and Postgres schema, and its generated data."""

import dataclasses
import sys
import uuid
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

from psycopg import sql

from scout_lab.sample.cli import main as generate
from scout_spark.config import Config
from scout_spark.publish.connection import connect

START = date(2025, 1, 1)


@dataclasses.dataclass(frozen=True)
class Workspace:
    """Where one benchmark case lives: `config` points every layer at it."""

    folder: Path
    config: Config

    @property
    def landing(self) -> Path:
        return self.folder / "landing"

    def overrides(self) -> list[str]:
        """The same places as `--set` options, for a job run with spark-submit."""
        return place_overrides(self.config)


def place_overrides(config: Config) -> list[str]:
    """`--set` options pointing a spark-submit job at `config`'s landing, lake and schema."""
    return [
        f"source.root={config.source.root}",
        f"lake.root={config.lake.root}",
        f"postgres.schema={config.postgres.schema}",
    ]


def workspace(base: Config, folder: Path) -> Workspace:
    """A case under `folder`: landing/ and lake/ there, a fresh bench_* Postgres schema."""
    config = dataclasses.replace(
        base,
        source=dataclasses.replace(base.source, root=(folder / "landing").as_uri() + "/"),
        lake=dataclasses.replace(base.lake, root=(folder / "lake").as_uri() + "/"),
        postgres=dataclasses.replace(base.postgres, schema=f"bench_{uuid.uuid4().hex[:8]}"),
    )
    return Workspace(folder, config)


def drop_schema(config: Config) -> None:
    """Remove a benchmark's Postgres schema (never the configured dashboard schema)."""
    if not config.postgres.schema.startswith("bench_"):
        raise ValueError(f"refusing to drop schema {config.postgres.schema}: not a bench schema")
    with connect(config.postgres, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(config.postgres.schema)
            )
        )


def generate_days(dest: Path, first: date, days: int, per_day: int, seed: int = 7) -> None:
    """Clean generated source data (Hive layout, Parquet) for `days` days from `first`."""
    options = [
        "--dest", str(dest), "--start-date", first.isoformat(), "--days", str(days),
        "--transactions-per-day", str(per_day), "--layout", "hive", "--faults", "none",
        "--stores", "50", "--customers", str(max(500, per_day)), "--seed", str(seed),
        "--overwrite",
    ]  # fmt: skip
    with redirect_stdout(sys.stderr):  # stdout carries only the benchmark's report
        status = generate(options)
    if status != 0:
        raise RuntimeError(f"sample generation into {dest} failed")
