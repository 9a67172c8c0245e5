"""Every lake table and every dashboard table of a run against the reference's, as
multisets of rows both ways: rows lost, rows duplicated, rows extra, per table.

Columns that name or time the run (run ids, ingestion and publish instants, Delta
versions, durations) differ between any two runs and are left out of the rows. Tables
that record runs rather than data (the ledger, monitor results, etl_monitoring, the
publish log) rightly hold a killed run's rows too: they are listed, with their counts,
but not compared. The consumer checkpoints and the unfinished-write marks are histories
too (a killed run's rows stay), but their meaning is each key's latest row (a consumer's
version per source, a writer's last mark): that is what is compared.
"""

import math
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import sql
from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.parallel import for_each
from scout_spark.publish.connection import connect
from scout_spark.publish.migrate import MIGRATIONS_TABLE

VOLATILE = frozenset(
    {
        "_ingested_at", "_ingest_date", "_run_id", "_bronze_run_id", "run_id",
        "pipeline_run_id", "recorded_at", "rejected_at", "quarantined_at", "quarantine_run_id",
        "replayed_at", "replay_run_id", "started_at", "finished_at", "published_at",
        "checked_at", "last_updated", "duration_seconds", "version", "delta_version",
        "lake_version",
    }
)  # fmt: skip
# updated_at is data in the lake (the source's correction time); here it is the run's.
VOLATILE_IN = {"pg:etl_pipelines": frozenset({"updated_at"})}
# As ops/rollback.py's NEVER_ROLLED_BACK: records of what happened, written by every run.
RUN_RECORDS = frozenset(
    {"_ops/run_ledger", "platinum/run_monitors", "pg:etl_monitoring", "pg:publish_log"}
)
# Tables compared by their latest row per key (key columns, the column that orders them):
# histories whose meaning is the latest state, as records/checkpoints.py and
# records/unfinished.py read them.
LATEST_ROW = {
    "_ops/checkpoints": (("consumer", "source"), "recorded_at"),
    "_ops/unfinished_writes": (("writer",), "recorded_at"),
}
LAKE = "<lake>"  # each run has a lake of its own: locations in it compare relative to it
FLOAT_DIGITS = 9  # sums of doubles in another order differ in the last bits only


@dataclass
class TableDiff:
    """One table: rows on each side, and what the run lost or added against the reference."""

    reference_rows: int
    rows: int
    lost: int = 0  # reference rows missing from the run
    duplicated: int = 0  # extra copies of rows the reference holds
    extra: int = 0  # rows the reference does not hold at all
    compared: bool = True

    @property
    def equal(self) -> bool:
        return not self.compared or (self.lost, self.duplicated, self.extra) == (0, 0, 0)


@dataclass
class Comparison:
    tables: dict[str, TableDiff] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return all(t.equal for t in self.tables.values())

    def total(self, what: str) -> int:
        return sum(getattr(t, what) for t in self.tables.values() if t.compared)

    def differing(self) -> dict[str, TableDiff]:
        return {name: t for name, t in self.tables.items() if not t.equal}


def _canonical(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isnan(value) or value == 0 else float(f"{value:.{FLOAT_DIGITS}g}")
    if isinstance(value, dict):  # a map: its order carries no meaning
        return tuple(sorted((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    return value


def _relative(value: Any, lake_roots: tuple[str, ...]) -> Any:
    """A location under one of the run's lake roots, as one under any lake root."""
    for root in lake_roots:
        if root and isinstance(value, str) and value.startswith(root):
            return LAKE + value[len(root) :]
    return value


def multiset(
    columns: list[str],
    rows: Iterable[Iterable[Any]],
    table: str = "",
    lake_roots: tuple[str, ...] = (),
) -> Counter:
    """Rows without their volatile columns, locations made relative to `lake_roots`."""
    volatile = VOLATILE | VOLATILE_IN.get(table, frozenset())
    keep = [i for i, c in enumerate(columns) if c not in volatile]
    return Counter(
        tuple(_canonical(_relative(row[i], lake_roots)) for i in keep) for row in map(list, rows)
    )


def delta_tables(root: Path) -> dict[str, Path]:
    """Every Delta table under `root` (a folder holding _delta_log), by relative name."""
    found: dict[str, Path] = {}
    for folder, dirs, _files in os.walk(root):
        if "_delta_log" in dirs:
            found[Path(folder).relative_to(root).as_posix()] = Path(folder)
            dirs.clear()
    return dict(sorted(found.items()))


def s3_delta_tables(s3: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Every Delta table under s3://bucket/prefix, by name relative to it -> s3a:// path."""
    found: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            folder, marker, _ = item["Key"][len(prefix) :].partition("/_delta_log/")
            if marker:
                found[folder] = f"s3a://{bucket}/{prefix}{folder}"
    return dict(sorted(found.items()))


def lake_rows(
    spark: SparkSession, path: str, lake_roots: tuple[str, ...] = (), name: str = ""
) -> Counter:
    """The current version's rows of one Delta table (small tables: collected here)."""
    df = spark.read.format("delta").load(path)
    if name in LATEST_ROW:
        keys, order = LATEST_ROW[name]
        latest = Window.partitionBy(*keys).orderBy(F.col(order).desc())
        df = df.withColumn("_n", F.row_number().over(latest)).filter("_n = 1").drop("_n")
    return multiset(df.columns, df.collect(), lake_roots=lake_roots)


def lake_state(
    spark: SparkSession, tables: dict[str, Any], lake_roots: tuple[str, ...]
) -> dict[str, Counter]:
    """Every table's rows, several tables at once (small reads: their latencies overlap)."""
    rows = for_each(
        lambda item: lake_rows(spark, str(item[1]), lake_roots, item[0]), tables.items()
    )
    return dict(zip(tables, rows, strict=True))


def dashboard_rows(config: Config, lake_roots: tuple[str, ...] = ()) -> dict[str, Counter]:
    """Every table of the config's Postgres schema (but the migration record), as rows;
    locations relative to `lake_roots` (default: the config's lake root)."""
    schema = config.postgres.schema
    lake_roots = lake_roots or (config.lake.root.rstrip("/"),)
    found: dict[str, Counter] = {}
    with connect(config.postgres, autocommit=True, purpose="chaos-compare") as conn:
        names = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        ).fetchall()
        for (name,) in names:
            if name == MIGRATIONS_TABLE:
                continue
            cursor = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, name)))
            columns = [d.name for d in cursor.description or []]
            found[f"pg:{name}"] = multiset(columns, cursor.fetchall(), f"pg:{name}", lake_roots)
    return found


def diff(reference: Counter, rows: Counter, compared: bool = True) -> TableDiff:
    result = TableDiff(sum(reference.values()), sum(rows.values()), compared=compared)
    if compared:
        result.lost = sum((reference - rows).values())
        for row, copies in (rows - reference).items():
            if row in reference:
                result.duplicated += copies
            else:
                result.extra += copies
    return result


def compare(reference: dict[str, Counter], state: dict[str, Counter]) -> Comparison:
    """Table by table; a table missing on one side counts as empty there."""
    out = Comparison()
    for name in sorted(set(reference) | set(state)):
        empty: Counter = Counter()
        out.tables[name] = diff(
            reference.get(name, empty), state.get(name, empty), name not in RUN_RECORDS
        )
    return out
