"""Publish throughput vs `psql \\copy` of the same rows into the same (empty) table.

Builds a synthetic gold/transactions table (all dates inside the publish window), then
alternates rounds of (a) the publish stage with --full-refresh into an emptied dashboard
table, classic (rows off the JVM's socket), (b) the same over the Connect path
(toLocalIterator; on a Spark Connect server given by --remote or $SPARK_REMOTE, from a
client process of its own, else its code on the classic session) and (c) `psql \\copy` of
the very same rows, as CSV, into an empty table with the same definition (primary key and
indexes). Prints a markdown table and the ratios.

Each path keeps one session for all its rounds, after one warm-up publish (reported apart):
the JVM's JIT and the session's Python workers (which a new Connect session starts anew,
about 1.4 s of CPU for this publish) are then warm on both sides.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.bench.workspace import drop_schema, place_overrides, workspace
from scout_spark.cli.runner import invoke
from scout_spark.config import Config, load_config
from scout_spark.lake.writes import read_version, table_version
from scout_spark.publish.binary_copy import AUTO, ITERATOR
from scout_spark.publish.connection import connect, password
from scout_spark.publish.migrate import migrate
from scout_spark.publish.tables import by_lake_name, select_publish_rows
from scout_spark.session import build_spark_session

TABLE = by_lake_name()["gold/transactions"]
FIRST_DAY = date(2026, 1, 1)
CONNECT_ON_CLASSIC = "its code (toLocalIterator) on the classic session"
FIRST_PUBLISH = ("first_publish_s", "connect_first_publish_s")


def write_transactions(spark: SparkSession, path: str, rows: int, days: int) -> None:
    """A gold/transactions Delta table of `rows` rows over `days` sales dates."""
    n = F.col("id")
    day = (n % days).cast("int")
    sales_date = F.date_add(F.lit(FIRST_DAY), day)
    hour = (n % 14 + 8).cast("int")
    ts = F.make_timestamp_ntz(F.lit(2026), F.lit(1), F.lit(1), hour, n % 60, n % 60)
    hashed = F.crc32(n.cast("string"))
    methods = F.array(*map(F.lit, ("cash", "gcash", "maya", "card")))
    regions = F.array(*map(F.lit, ("NCR", "CALABARZON", "Central Visayas")))
    is_walk_in = n % 5 == 0
    frame = spark.range(rows).select(
        F.format_string("TXN-%s-%07d", F.date_format(sales_date, "yyyyMMdd"), n).alias(
            "transaction_id"
        ),
        F.format_string("S%03d", hashed % 200).alias("store_id"),
        F.when(is_walk_in, None)
        .otherwise(F.format_string("CUST-%07d", n % 50000))
        .alias("customer_id"),
        (ts.cast("timestamp") + F.make_dt_interval(day)).alias("transaction_ts"),
        sales_date.alias("sales_date"),
        hour.alias("hour_of_day"),
        ((hashed % 200000) / 100).cast("decimal(14,2)").alias("total_amount"),
        F.element_at(methods, (n % 4 + 1).cast("int")).alias("payment_method"),
        F.when(n % 9 == 0, "high_value").otherwise("standard").alias("transaction_type"),
        (n % 7).alias("item_count"),
        F.element_at(regions, (n % 3 + 1).cast("int")).alias("region"),
        F.when(is_walk_in, None).otherwise("regular").alias("customer_segment"),
    )
    frame.write.format("delta").partitionBy("sales_date").mode("overwrite").save(path)


# What Postgres's CSV format reads back exactly: unquoted empty is NULL, "" an empty string.
CSV_OPTIONS = {
    "escape": '"',
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
    "timestampFormat": "yyyy-MM-dd HH:mm:ss.SSSSSSXXX",
    "nullValue": "",
}


def export_csv(spark: SparkSession, path: str, version: int, folder: Path) -> tuple[Path, int]:
    """The rows the publish sends, as the one CSV file psql reads: (file, row count)."""
    rows_df = select_publish_rows(read_version(spark, path, version), table=TABLE)
    rows_df.coalesce(1).write.options(**CSV_OPTIONS).csv(folder.as_uri())
    (csv_file,) = folder.glob("part-*.csv")
    return csv_file, rows_df.count()


def _rows_in(conn: psycopg.Connection, table: sql.Composable) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()[0]


def psql_copy(config: Config, table: str, csv_path: Path) -> float:
    """Seconds `psql \\copy` takes to load the CSV file into `table`."""
    pg = config.postgres
    copy = f"\\copy {table} FROM '{csv_path}' WITH (FORMAT csv)"
    command = [
        "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", str(pg.port),
        "-U", pg.user, "-d", pg.database, "-c", copy,
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": password(pg), "PGSSLMODE": pg.sslmode}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _empty(conn: psycopg.Connection, *tables: sql.Composable) -> None:
    """Bench only: start each round from empty tables (the publish itself never truncates)."""
    for table in tables:
        conn.execute(sql.SQL("TRUNCATE {}").format(table))


def timed_publish(spark: SparkSession, config: Config, stream: str) -> tuple[float, float, float]:
    """(end to end, load path, commit) seconds of one --full-refresh publish."""
    started = time.perf_counter()
    result = invoke(spark, config, "publish", full_refresh=True, stream=stream)
    seconds = time.perf_counter() - started
    metrics = result.metrics
    return seconds, float(metrics["seconds_load"]), float(metrics["seconds_commit"])


class ConnectPublisher:
    """timed_publish of the Connect path from one client process of its own, which keeps
    its session for every round, as the classic rounds share the benchmark's session.

    `command` starts the client (connect_client): it prints `ready` once its session is
    up, then one JSON line of seconds per line it reads."""

    def __init__(self, command: Sequence[str], log: Path, remote: str) -> None:
        self.remote, self.log = remote, log
        with log.open("w") as errors:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        self._reply("ready")  # its session is up before any round is timed

    def _reply(self, start: str) -> str:
        """The client's next output line that starts with `start` (its publish's own
        progress lines come before it)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(start):
                return line
        code = self.process.wait()
        last = (self.log.read_text().strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the publish client of {self.remote} exited {code}: {last}")

    def __call__(self) -> tuple[float, float, float]:
        assert self.process.stdin is not None
        self.process.stdin.write("publish\n")
        self.process.stdin.flush()
        seconds = json.loads(self._reply("["))
        return seconds[0], seconds[1], seconds[2]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=120)


def connect_client(remote: str, config: Config) -> list[str]:
    """The command of a publish client over the server `remote` (publish_connect_round)."""
    sets = [arg for item in place_overrides(config) for arg in ("--set", item)]
    return [sys.executable, "-m", "scout_lab.bench.publish_connect_round", "--remote", remote,
            *sets]  # fmt: skip


def run(
    spark: SparkSession, base: Config, folder: Path, rows: int, days: int, rounds: int,
    remote: str | None = None,
) -> list[dict[str, float]]:  # fmt: skip
    """Per round: the classic publish, the Connect path's publish (over the server `remote`,
    else its code on `spark`) and psql \\copy, in a lake and schema of their own."""
    case = workspace(base, folder)
    config, schema = case.config, case.config.postgres.schema
    results = []
    path = config.lake_path("gold", "transactions")
    write_transactions(spark, path, rows, days)
    version = table_version(spark, path) or 0
    csv_path, count = export_csv(spark, path, version, folder / "csv")
    migrate(config.postgres)
    target = sql.Identifier(schema, TABLE.pg_table)
    twin = sql.Identifier(schema, f"{TABLE.pg_table}_psql")

    # Both paths publish the same rows into the same emptied table, one after the other,
    # each in a session of its own kept for every round.
    client: ConnectPublisher | None = None
    try:
        if remote:
            client = ConnectPublisher(connect_client(remote, config), folder / "client.log", remote)
        connect_path = client or (lambda: timed_publish(spark, config, ITERATOR))
        paths = (("", lambda: timed_publish(spark, config, AUTO)), ("connect_", connect_path))
        with connect(config.postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(twin, target))
            first: dict[str, float] = {}
            for prefix, publish in paths:  # warm-up: JIT, the session's Python workers
                _empty(conn, target)
                first[prefix + "first_publish_s"] = publish()[0]
            for _ in range(rounds):
                figures: dict[str, float] = {"rows": count, **first}
                for prefix, publish in paths:
                    _empty(conn, target)
                    timed = publish()
                    if _rows_in(conn, target) != count:
                        raise RuntimeError(f"{prefix or 'classic '}publish loaded a wrong count")
                    for key, value in zip(("publish_s", "load_s", "commit_s"), timed, strict=True):
                        figures[prefix + key] = value
                _empty(conn, twin)
                figures["psql_s"] = psql_copy(config, twin.as_string(conn), csv_path)
                if _rows_in(conn, twin) != count:
                    raise RuntimeError(f"psql loaded a wrong count, expected {count}")
                results.append(figures)
    finally:
        if client is not None:
            client.close()
        drop_schema(config)
    return results


def summary(results: list[dict[str, float]], connect_via: str = "") -> dict[str, Any]:
    """Medians over the rounds and the ratios (rows/s of publish over rows/s of psql; seconds
    of the Connect path over the classic one)."""

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in results), 2)

    publish_s, load_s, psql_s = median("publish_s"), median("load_s"), median("psql_s")
    return {
        "rows": int(results[0]["rows"]),
        "rounds": len(results),
        "publish_s": publish_s,
        "load_s": load_s,
        "psql_s": psql_s,
        "ratio": round(psql_s / publish_s, 2),
        "ratio_load_path": round(psql_s / load_s, 2),
        "connect_publish_s": median("connect_publish_s"),
        "connect_load_s": median("connect_load_s"),
        "connect_via": connect_via or CONNECT_ON_CLASSIC,
        "connect_vs_classic": round(median("connect_publish_s") / publish_s, 2),
        "connect_vs_classic_load": round(median("connect_load_s") / load_s, 2),
        # The warm-up publish of each session (not in the medians): JIT, Python workers.
        **{key: results[0][key] for key in FIRST_PUBLISH if key in results[0]},
    }


def _print(results: list[dict[str, float]], via: str) -> None:
    rows = int(results[0]["rows"])

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print("| method | rows | seconds (median) | rows/s | rounds |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, key in (
        ("publish stage, classic (end to end)", "publish_s"),
        ("publish load path, classic (COPY in the publish transaction, log, commit)", "load_s"),
        ("  of which logging, monitoring refresh and COMMIT", "commit_s"),
        (f"publish stage, Connect path: {via} (end to end)", "connect_publish_s"),
        (f"publish load path, Connect path: {via}", "connect_load_s"),
        ("psql \\copy (same rows, same table definition)", "psql_s"),
    ):
        rounds = ", ".join(f"{r[key]:.2f}" for r in results)
        print(f"| {label} | {rows:,} | {median(key):.2f} | {rows / median(key):,.0f} | {rounds} |")
    first = ", ".join(f"{label} {results[0][key]:.2f} s" for label, key in
                      zip(("classic", "Connect path"), FIRST_PUBLISH, strict=True))  # fmt: skip
    print(f"\nfirst publish of each session (warm-up, not in the medians): {first}")
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"load average after the run: {load} (other work on this machine skews both)")
    print(f"ratio publish / psql \\copy (rows/s): {median('psql_s') / median('publish_s'):.2f}")
    print(f"ratio load path / psql \\copy (rows/s): {median('psql_s') / median('load_s'):.2f}")
    for label, key in (("end to end", "publish_s"), ("load path", "load_s")):
        ratio = median(f"connect_{key}") / median(key)
        print(f"ratio Connect path / classic, {label} (seconds; goal <= 1.10): {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    """Print the markdown table of publish (classic, Connect path) vs psql \\copy throughput."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60, help="sales dates (all in the window)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--remote", default=os.environ.get("SPARK_REMOTE"),
        help="Spark Connect server (sc://host:port) for the Connect path; default $SPARK_REMOTE;"
        " none: the Connect path's code runs on the classic session",
    )  # fmt: skip
    args = parser.parse_args(argv)
    os.environ.pop("SPARK_REMOTE", None)  # the classic column needs a classic session
    base = load_config("local", overrides=["spark.extra_conf.spark.ui.showConsoleProgress=false"])
    spark = build_spark_session(base)
    with tempfile.TemporaryDirectory(prefix="scout-bench-") as tmp:
        results = run(spark, base, Path(tmp), args.rows, args.days, args.rounds, args.remote)
    spark.stop()
    _print(results, f"Spark Connect at {args.remote}" if args.remote else CONNECT_ON_CLASSIC)
    return 0
