"""Helpers of the publish tests (no tests here): a tiny gold/platinum lake and Postgres probes."""

import dataclasses
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from dashboard import drop_schema
from psycopg import sql
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.lake.writes import read_version
from scout_spark.parallel import for_each
from scout_spark.publish.connection import psycopg_kwargs
from scout_spark.publish.tables import PUBLISH_TABLES, PublishTable, select_publish_rows

S, D, TS, L, N, F = (
    T.StringType(),
    T.DateType(),
    T.TimestampType(),
    T.LongType(),
    T.IntegerType(),
    T.DoubleType(),
)
M = T.DecimalType(14, 2)
LAKE_TYPES: dict[str, tuple[T.DataType, ...]] = {
    "gold/transactions": (S, S, S, TS, D, N, M, S, S, L, S, S),
    "gold/transaction_items": (S, N, S, S, S, S, L, M, M, D),
    "gold/daily_store_sales": (D, S, S, L, L, M, M, L, L),
    "gold/daily_category_sales": (D, S, S, L, M, L),
    "gold/hourly_sales": (D, N, L, M),
    "gold/payment_mix": (D, S, L, M, F),
    "platinum/monitors": (D, S, S, F, F, F, F, S),
    "platinum/customer_features": (S, S, N, L, M, M, S),
}
SPECS = {t.lake_name: t for t in PUBLISH_TABLES}
FIRST_DAY = date(2026, 3, 1)
DAYS = [FIRST_DAY + timedelta(days=n) for n in range(4)]
_BASE_LAKES: dict[str, Config] = {}


def lake_schema(name: str) -> T.StructType:
    """The lake table's schema: the dashboard columns with the lake's types."""
    spec = SPECS[name]
    return T.StructType(
        [T.StructField(c, t) for c, t in zip(spec.columns, LAKE_TYPES[name], strict=True)]
    )


def day_rows(day: date, tag: int = 0) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of every dated table for one sales date; `tag` changes the figures."""
    money = Decimal(f"{100 + tag}.25")
    ts = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in LAKE_TYPES}
    for n, store in enumerate(("S1", "S2")):
        tid = f"T{day:%Y%m%d}{store}"
        rows["gold/transactions"].append(
            (
                tid,
                store,
                None if n else "C1",
                ts,
                day,
                9,
                money,
                "cash",
                "standard",
                2,
                "NCR",
                None if n else "regular",
            )
        )
        rows["gold/transaction_items"] += [
            (tid, 1, "P1", 'Soap "extra", 1L', "BrandA", "care", 1, money, money, day),
            (tid, 2, "P2", "", None, None, 1, Decimal("0.00"), Decimal("0.00"), day),
        ]
        rows["gold/daily_store_sales"].append((day, store, "NCR", 1, 2, money, money, 0, 1 - n))
        rows["platinum/monitors"] += [
            (day, store, "gross_sales", float(money), None, None, None, "insufficient_history"),
            (day, store, "transaction_count", 1.0, 1.0, 0.1 + 0.2, 1e-300, "ok"),
        ]
    rows["gold/daily_category_sales"] += [
        (day, "care", "BrandA", 2, money, 2),
        (day, None, None, 2, Decimal(0), 2),
    ]
    rows["gold/hourly_sales"].append((day, 9, 2, money * 2))
    rows["gold/payment_mix"].append((day, "cash", 2, money * 2, 1.0))
    del rows["platinum/customer_features"]
    return rows


def customer_rows(tag: int = 0) -> list[tuple[Any, ...]]:
    """platinum/customer_features: three customers; `tag` changes C2 only."""
    return [
        ("C1", "regular", 0, 3, Decimal("300.75"), Decimal("100.25"), "care"),
        ("C2", None, 5 + tag, 1, Decimal("10.00"), Decimal("10.00"), None),
        ("C3", "vip", 12, 0, Decimal("0.00"), None, "unknown"),
    ]


def write_table(
    spark: SparkSession,
    config: Config,
    name: str,
    rows: list[tuple[Any, ...]],
    *,
    replace_day: date | None = None,
) -> None:
    """Overwrite a lake table, or only one sales date of it (a Delta commit either way)."""
    writer = spark.createDataFrame(rows, lake_schema(name)).write.format("delta").mode("overwrite")
    if replace_day is not None:
        column = SPECS[name].slice_column
        writer = writer.option("replaceWhere", f"{column} = DATE'{replace_day.isoformat()}'")
    writer.save(config.lake_path(*name.split("/")))


def write_days(
    spark: SparkSession,
    config: Config,
    days: list[date],
    tag: int = 0,
    *,
    names: tuple[str, ...] | None = None,
) -> None:
    """Write the dated tables with the rows of `days` (overwriting each whole table)."""
    merged: dict[str, list[tuple[Any, ...]]] = {}
    for day in days:
        for name, rows in day_rows(day, tag).items():
            merged.setdefault(name, []).extend(rows)
    chosen = [(n, rows) for n, rows in merged.items() if names is None or n in names]
    for_each(lambda item: write_table(spark, config, *item), chosen)


def copy_lake(source: Config, target: Config) -> None:
    """Copy a whole lake folder (Delta tables keep relative paths, so copies are tables)."""
    shutil.copytree(
        Path(source.lake.root.removeprefix("file://")),
        Path(target.lake.root.removeprefix("file://")),
    )


@contextmanager
def fresh_schema(config: Config) -> Iterator[Config]:
    """The config pointed at a new Postgres schema, dropped afterwards."""
    schema = f"pub_{uuid.uuid4().hex[:10]}"
    yield dataclasses.replace(config, postgres=dataclasses.replace(config.postgres, schema=schema))
    drop_schema(config, schema)


def with_lake_root(config: Config, root: Path) -> Config:
    """The config with its lake under `root`."""
    return dataclasses.replace(
        config, lake=dataclasses.replace(config.lake, root=(root / "lake").as_uri() + "/")
    )


@contextmanager
def lake_case(
    spark: SparkSession, test_config: Config, factory: pytest.TempPathFactory, tmp_path: Path
) -> Iterator[Config]:
    """A copy of the base lake (DAYS of gold, platinum; built once per session) and a fresh schema."""
    if "base" not in _BASE_LAKES:
        base = with_lake_root(test_config, factory.mktemp("publish_base"))
        write_days(spark, base, DAYS)
        write_table(spark, base, "platinum/customer_features", customer_rows())
        _BASE_LAKES["base"] = base
    config = with_lake_root(test_config, tmp_path)
    copy_lake(_BASE_LAKES["base"], config)
    with fresh_schema(config) as pg_config:
        yield pg_config


def pg(config: Config, query: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run one query in the config's schema (search_path) and return its rows."""
    with psycopg.connect(**psycopg_kwargs(config.postgres), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(config.postgres.schema)))
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def row_versions(config: Config, table: str) -> dict[tuple[Any, ...], str]:
    """Primary key -> xmin of every row: which rows a publish rewrote."""
    spec = next(t for t in PUBLISH_TABLES if t.pg_table == table)
    keys = ", ".join(spec.keys)
    return {tuple(r[:-1]): r[-1] for r in pg(config, f"SELECT {keys}, xmin::text FROM {table}")}


def published_versions(config: Config) -> dict[str, int]:
    """The lake versions the last real publish recorded."""
    rows = pg(
        config,
        "SELECT lake_versions FROM publish_log WHERE status = 'published' ORDER BY publish_id DESC LIMIT 1",
    )
    return {k: int(v) for k, v in rows[0][0].items()}


def _plain(value: Any) -> Any:
    """Timestamps from Spark (naive local) and Postgres (aware) as naive UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _sorted_rows(rows: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)


def assert_matches_lake(spark: SparkSession, config: Config) -> None:
    """Every dashboard table equals its lake table at the version the publish log names."""
    versions = published_versions(config)
    first_date = pg(
        config,
        "SELECT window_start FROM publish_log WHERE status = 'published' ORDER BY publish_id DESC LIMIT 1",
    )[0][0]

    def compare(name: str) -> None:
        spec: PublishTable = SPECS[name]
        lake_df = read_version(spark, config.lake_path(*name.split("/")), versions[name])
        expected = select_publish_rows(lake_df, table=spec, first_date=first_date).collect()
        actual = pg(config, f"SELECT {', '.join(spec.columns)} FROM {spec.pg_table}")
        assert _sorted_rows(actual) == _sorted_rows(expected), name

    for_each(compare, sorted(versions))
