"""Benchmark section: gold's four daily aggregates rebuilt by two peers, timed and checked.

The peers read the same generated Parquet source files the lake was built from and
compute daily_store_sales, daily_category_sales, hourly_sales and payment_mix
(peer_queries.py holds their logic):

- duckdb: DuckDB SQL in process, each table written with COPY ... TO one Parquet file;
- naive_pyspark: a plain PySpark full rebuild (DataFrame API, nothing cached or
  incremental), each table written as a Parquet folder, overwrite.

Each peer's wall seconds cover reading, computing and writing all four tables. Its
output is then read back and compared with our gold Delta tables: the same columns with
the same types, the same keys, and every value equal (decimals exactly, doubles to 1e-9
relative). Every column of the four tables is compared: none depends on history the
source files cannot give (the customer segment, an SCD2 column, is not in any of them).
Only clean data (`--faults none`) is expected to match: the peers neither quarantine nor
deduplicate. A difference is returned in `mismatches`, never raised.
"""

import math
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession

from scout_lab.bench.peer_queries import (
    DUCKDB_QUERIES,
    GOLD_SCHEMAS,
    SourceFiles,
    duckdb_statements,
    naive_pyspark_tables,
    spark_path,
)
from scout_spark.config import Config
from scout_spark.lake.writes import read_version
from scout_spark.pipelines.gold import gold_targets
from scout_spark.quality.rules import load_quality_rules

TABLES = tuple(GOLD_SCHEMAS)
MAX_REPORTED = 10  # mismatch lines listed per table; the rest are counted
REL_TOLERANCE = 1e-9

Row = tuple[Any, ...]


def run_duckdb(files: SourceFiles, out: Path, *, timezone: str, methods: tuple[str, ...]) -> None:
    """Compute the four tables in DuckDB; write out/<table>.parquet."""
    with duckdb.connect() as con:
        first = _duckdb_path(files.transactions[0])
        query = f"SELECT typeof(\"timestamp\") FROM read_parquet('{first}') LIMIT 1"
        row = con.execute(query).fetchone()
        is_naive = row is not None and row[0] == "TIMESTAMP"
        for statement in duckdb_statements(
            files, ts_is_naive=is_naive, timezone=timezone, payment_methods=methods
        ):
            con.execute(statement)
        for name, query in DUCKDB_QUERIES.items():
            target = _duckdb_path(out / f"{name}.parquet")
            con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")


def _duckdb_path(path: Path) -> str:
    return str(path).replace("'", "''")


def run_naive_pyspark(
    spark: SparkSession, files: SourceFiles, out: Path, *, timezone: str, methods: tuple[str, ...]
) -> None:
    """Compute the four tables with plain PySpark; write out/<table>/ as Parquet."""
    tables = naive_pyspark_tables(spark, files, timezone=timezone, payment_methods=methods)
    for name, df in tables.items():
        df.write.mode("overwrite").parquet(spark_path(out / name))


def _same(peer: Any, gold: Any) -> bool:
    if isinstance(gold, float) and isinstance(peer, float):
        return math.isclose(peer, gold, rel_tol=REL_TOLERANCE, abs_tol=1e-12) or (
            math.isnan(peer) and math.isnan(gold)
        )
    return type(peer) is type(gold) and peer == gold


def _by_key(df: DataFrame, keys: tuple[str, ...], values: list[str]) -> tuple[dict[Row, Row], int]:
    """{key tuple: value tuple} and how many rows repeated a key."""
    rows: dict[Row, Row] = {}
    repeated = 0
    for r in df.select(*keys, *values).collect():
        key = tuple(r[k] for k in keys)
        repeated += key in rows
        rows[key] = tuple(r[v] for v in values)
    return rows, repeated


def compare_table(
    name: str, peer_df: DataFrame, gold_df: DataFrame, keys: tuple[str, ...]
) -> list[str]:
    """What differs between a peer's table and gold's (empty when they are equal)."""
    gold_types = {f.name: f.dataType for f in gold_df.schema.fields}
    peer_types = {f.name: f.dataType for f in peer_df.schema.fields}
    problems = [f"{name}: column {c} missing" for c in gold_types if c not in peer_types]
    problems += [f"{name}: extra column {c}" for c in peer_types if c not in gold_types]
    problems += [
        f"{name}.{c}: type {peer_types[c].simpleString()}, gold {t.simpleString()}"
        for c, t in gold_types.items()
        if c in peer_types and peer_types[c] != t
    ]
    if any(k not in peer_types for k in keys):
        return problems
    values = [c for c in gold_types if c in peer_types and c not in keys]
    peer, peer_repeats = _by_key(peer_df, keys, values)
    gold, gold_repeats = _by_key(gold_df, keys, values)
    if peer_repeats or gold_repeats:
        problems.append(
            f"{name}: rows repeating a key: {peer_repeats} (peer), {gold_repeats} (gold)"
        )
    details = [f"{name}: key {k} missing" for k in sorted(gold.keys() - peer.keys(), key=str)]
    details += [f"{name}: extra key {k}" for k in sorted(peer.keys() - gold.keys(), key=str)]
    for key in sorted(gold.keys() & peer.keys(), key=str):
        for column, p, g in zip(values, peer[key], gold[key], strict=True):
            if not _same(p, g):
                details.append(f"{name} {key}.{column}: peer {p!r}, gold {g!r}")
    if len(details) > MAX_REPORTED:
        hidden = len(details) - MAX_REPORTED
        details = [*details[:MAX_REPORTED], f"{name}: ... and {hidden} more differences"]
    return problems + details


def compare_with_gold(spark: SparkSession, config: Config, out: Path) -> tuple[int, list[str]]:
    """(rows the peer wrote, mismatches) of the peer output under `out` against gold."""
    targets = gold_targets(config)
    rows, mismatches = 0, []
    for name in TABLES:
        found = sorted(out.glob(f"{name}*"))
        if not found:
            mismatches.append(f"{name}: the peer wrote no output")
            continue
        peer_df = spark.read.parquet(spark_path(found[0]))
        rows += peer_df.count()
        gold_df = read_version(spark, config.lake_path("gold", name))
        mismatches += compare_table(name, peer_df, gold_df, targets[f"gold/{name}"].keys)
    return rows, mismatches


def measure_peers(
    spark: SparkSession, config: Config, landing: Path, scratch: Path
) -> dict[str, Any]:
    """Time both peers over `landing` and check their tables against `config`'s gold.

    landing: the generated source folder (hive layout, parquet, faults none) the lake was
    built from; scratch: an empty folder for the peers' outputs. Returns
    {"duckdb": {"seconds", "rows", "matches_gold", "mismatches"}, "naive_pyspark": {...},
    "source_rows"}: rows is the number of aggregate rows the peer wrote (all four
    tables), source_rows the number of transaction rows in the source files.
    """
    files = SourceFiles.find(landing)
    methods = load_quality_rules().payment_methods  # the set silver normalises to
    peers = {
        "duckdb": lambda out: run_duckdb(files, out, timezone=config.timezone, methods=methods),
        "naive_pyspark": lambda out: run_naive_pyspark(
            spark, files, out, timezone=config.timezone, methods=methods
        ),
    }
    result: dict[str, Any] = {}
    for name, run in peers.items():
        out = scratch / name
        out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        run(out)
        seconds = time.perf_counter() - started
        rows, mismatches = compare_with_gold(spark, config, out)
        result[name] = {
            "seconds": seconds,
            "rows": rows,
            "matches_gold": not mismatches,
            "mismatches": mismatches,
        }
    result["source_rows"] = sum(pq.ParquetFile(p).metadata.num_rows for p in files.transactions)
    return result
