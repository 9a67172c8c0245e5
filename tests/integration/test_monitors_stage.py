"""The monitor stage on a small lake built from generated landings: quiet, then tampered.

One lake is built once (bronze, silver, gold, platinum, publish to a fresh Postgres schema,
each through the runner so the ledger has its rows); every test works on its own copy.
"""

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from delta.tables import DeltaTable
from psycopg import sql
from publish_lake import fresh_schema, pg
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.cli import main as generate
from scout_spark.cli.args import base_parser
from scout_spark.cli.runner import invocation
from scout_spark.cli.runner import run_stage as run_with_ledger
from scout_spark.cli.stage_arguments import add_stage_arguments
from scout_spark.config import Config
from scout_spark.context import RunIdentity
from scout_spark.publish.connection import psycopg_kwargs
from scout_spark.records import ledger
from scout_spark.records.ledger import latest_ledger, read_ledger
from scout_spark.results import StageResult
from scout_spark.stages import STAGES

pytestmark = pytest.mark.postgres

FIRST_DAY = date(2026, 3, 1)
PENDING_DAY = FIRST_DAY + timedelta(days=3)  # missing_success: the last day has no _SUCCESS
LANDING = [
    "--days", "4", "--transactions-per-day", "40", "--stores", "3", "--customers", "15",
    "--layout", "hive", "--faults", "missing_success", "--start-date", FIRST_DAY.isoformat(),
]  # fmt: skip
DATASETS = ("transactions", "items", "customers", "stores")
PUBLISHED = ("publish_log", "scout_gold_transactions")


def run_job(spark: SparkSession, config: Config, stage: str, *argv: str) -> int:
    """The stage as its job runs it (arguments parsed, ledger rows written): the exit code."""
    parser = base_parser(stage, STAGES[stage].description)
    add_stage_arguments(stage, parser)
    call = invocation(STAGES[stage], parser.parse_args(list(argv)))
    return run_with_ledger(STAGES[stage], spark, config, call)


def with_roots(config: Config, root: Path) -> Config:
    return replace(
        config,
        source=replace(config.source, root=(root / "landing").as_uri() + "/"),
        lake=replace(config.lake, root=(root / "lake").as_uri() + "/"),
    )


@dataclass(frozen=True)
class Built:
    root: Path
    config: Config  # with the Postgres schema published to


@pytest.fixture(scope="module")
def built(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("monitor_lake")
    with fresh_schema(with_roots(test_config, root)) as config:
        assert generate(["--dest", str(root / "landing"), *LANDING]) == 0
        for stage in ("bronze", "silver", "gold", "platinum", "publish"):
            assert run_job(spark, config, stage) == 0, stage
        yield Built(root, config)


def lake_copy(built: Built, tmp_path: Path) -> Config:
    shutil.copytree(built.root / "lake", tmp_path / "lake")
    return replace(built.config, lake=replace(built.config.lake, root=f"{tmp_path.as_uri()}/lake/"))


def monitor_rows(spark: SparkSession, config: Config, run_id: str | None = None) -> dict:
    """(monitor, subject) -> (status, observed, expected) of one monitor run (the only one)."""
    rows_df = spark.read.format("delta").load(config.lake_path("platinum", "run_monitors"))
    if run_id is not None:
        rows_df = rows_df.filter(F.col("run_id") == run_id)
    rows = rows_df.collect()
    assert len({r["run_id"] for r in rows}) == 1
    return {(r["monitor"], r["subject"]): (r["status"], r["observed"], r["expected"]) for r in rows}


def statuses(rows: dict) -> dict[tuple[str, str], str]:
    return {key: value[0] for key, value in rows.items()}


def expected_statuses(
    alerts: tuple[str, ...] = (), skipped: tuple[str, ...] = ()
) -> dict[tuple[str, str], str]:
    """Every check of the healthy lake (volume has no baseline yet); then the named changes."""
    quiet = {
        **{("freshness", d): "ok" for d in DATASETS},
        **{("volume", d): "skipped" for d in DATASETS},
        **{("zero_rows", f"{s}.{d}"): "ok" for s in ("bronze", "silver") for d in DATASETS},
        ("zero_rows", "gold"): "ok",
        ("zero_rows", "platinum"): "ok",
        ("date_gaps", "transactions"): "ok",
        ("reconciliation", "gold_vs_silver"): "ok",
        ("reconciliation", "postgres_vs_gold"): "ok",
    }
    for names, status in ((alerts, "alert"), (skipped, "skipped")):
        for name in names:
            monitor, subject = name.split(".", 1)
            quiet[(monitor, subject)] = status
    return quiet


def stage_ledger(spark: SparkSession, config: Config, run_id: str) -> dict[str, tuple]:
    rows = latest_ledger(read_ledger(spark, config)).filter(F.col("run_id") == run_id).collect()
    return {r["stage"]: (r["status"], dict(r["metrics"] or {}), r["error_message"]) for r in rows}


def test_monitor_stage_is_quiet_on_a_healthy_lake(
    spark: SparkSession, built: Built, tmp_path: Path
) -> None:
    config = lake_copy(built, tmp_path)
    code = run_job(spark, config, "monitor", "--fail-on-alert", "--run-id", "m-quiet")
    assert code == 0
    rows = monitor_rows(spark, config)
    written_df = spark.read.format("delta").load(config.lake_path("platinum", "run_monitors"))
    ids = {(r["run_id"], r["pipeline_run_id"]) for r in written_df.collect()}
    assert ids == {("m-quiet", "m-quiet")}
    assert statuses(rows) == expected_statuses()
    assert rows[("date_gaps", "transactions")][1:] == (0.0, 0.0)
    assert rows[("reconciliation", "gold_vs_silver")][1:] == (0.0, 0.0)
    checks = {"checks": str(len(rows)), "alerts": "0", "skipped": "4"}
    assert stage_ledger(spark, config, "m-quiet") == {
        "monitor": ("succeeded", checks, None),
        "monitor.checks": ("succeeded", checks, None),
    }


def _age_file_state(spark: SparkSession, config: Config, dataset: str, hours: int) -> None:
    path = config.lake_path("bronze", "_state", f"{dataset}_files")
    shift = F.col("recorded_at") - F.expr(f"INTERVAL {hours} HOURS")
    DeltaTable.forPath(spark, path).update(set={"recorded_at": shift})


def _record_big_bronze_runs(spark: SparkSession, config: Config) -> None:
    """Three earlier transactions runs of 100,000 rows each: a baseline the next run misses."""
    for n in range(3):
        started = datetime.now(UTC) - timedelta(days=10 - n)
        who = RunIdentity(f"old-{n}", f"old-{n}", "bronze.transactions", started)
        ledger.record(spark, config, who, "succeeded", StageResult(records_written=100_000))


def _land_quarantined_file(config: Config) -> None:
    """A complete partition whose two rows break total_amount_in_range (silver quarantines)."""
    folder = Path(config.source.root.removeprefix("file://")) / "transactions" / "dt=2026-03-02"
    folder.mkdir(parents=True)
    (folder / "part-late.csv").write_text(
        "transaction_id,store_id,customer_id,timestamp,total_amount,payment_method,updated_at\n"
        "BAD-1,S0001,,2026-03-02T10:00:00+08:00,-5.00,cash,\n"
        "BAD-2,S0001,,2026-03-02T11:00:00+08:00,-7.50,cash,\n"
    )
    (folder / "_SUCCESS").write_text("")


def _clone_published(source: Config, target: Config) -> None:
    """Copy the tables the monitor reads into `target`'s (fresh) Postgres schema."""
    with psycopg.connect(**psycopg_kwargs(source.postgres), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(target.postgres.schema)))
        for table in PUBLISHED:
            conn.execute(
                sql.SQL("CREATE TABLE {} AS TABLE {}").format(
                    sql.Identifier(target.postgres.schema, table),
                    sql.Identifier(source.postgres.schema, table),
                )
            )


def test_monitor_stage_fires_on_data_made_to_trigger_it(
    spark: SparkSession, built: Built, tmp_path: Path, run_stage
) -> None:  # type: ignore[no-untyped-def]
    # A landing zone of its own holding only the new file (bronze keys files by full path).
    config = replace(
        lake_copy(built, tmp_path),
        source=replace(built.config.source, root=f"{tmp_path.as_uri()}/landing/"),
    )
    _age_file_state(spark, config, "items", hours=27)
    _record_big_bronze_runs(spark, config)
    _land_quarantined_file(config)
    assert run_job(spark, config, "bronze", "--dataset", "transactions") == 0
    assert run_job(spark, config, "silver") == 0
    gold_path = config.lake_path("gold", "transactions")
    victim = spark.read.format("delta").load(gold_path).orderBy("transaction_id").first()
    DeltaTable.forPath(spark, gold_path).delete(F.col("transaction_id") == victim["transaction_id"])
    with fresh_schema(config) as tampered:
        _clone_published(built.config, tampered)
        pg(tampered, "UPDATE scout_gold_transactions SET total_amount = total_amount + 0.01 "
           "WHERE transaction_id = (SELECT min(transaction_id) FROM scout_gold_transactions)")  # fmt: skip

        result = run_stage(tampered, "monitor", run_date=PENDING_DAY)
        alerts = (
            "freshness.items", "volume.transactions", "zero_rows.silver.transactions",
            "date_gaps.transactions", "reconciliation.gold_vs_silver",
            "reconciliation.postgres_vs_gold",
        )  # fmt: skip
        assert (result.status, result.metrics["alerts"]) == ("succeeded", "6")
        named = {k.removeprefix("alert.") for k in result.metrics if k.startswith("alert.")}
        assert named == set(alerts)
        rows = monitor_rows(spark, tampered)
        assert statuses(rows) == expected_statuses(alerts)
        assert rows[("date_gaps", "transactions")][1] == 1.0  # the day waiting for _SUCCESS
        assert rows[("zero_rows", "silver.transactions")][1:] == (0.0, 2.0)
        assert rows[("volume", "transactions")][1:] == (2.0, 100_000.0)
        assert 27 < rows[("freshness", "items")][1] < 30
        day = victim["sales_date"]
        assert f"{day}: gold " in result.metrics["alert.reconciliation.gold_vs_silver"]
        # Postgres is compared with gold as published (time travel): the later delete of the
        # victim does not count, only the cent added in Postgres does.
        found = re.search(
            rf"{day}: postgres (\d+) rows ([\d.]+), gold (\d+) rows ([\d.]+)",
            result.metrics["alert.reconciliation.postgres_vs_gold"],
        )
        assert found is not None and found[1] == found[3]
        assert Decimal(found[2]) - Decimal(found[4]) == Decimal("0.01")

        code = run_job(spark, tampered, "monitor", "--fail-on-alert", "--run-id", "m-fail",
                       "--run-date", PENDING_DAY.isoformat())  # fmt: skip
        assert code == 1
        recorded = stage_ledger(spark, tampered, "m-fail")
        assert recorded["monitor"] == ("failed", {}, f"6 monitors in alert: {', '.join(alerts)}")
        status, metrics, _ = recorded["monitor.checks"]
        assert (status, set(metrics)) == ("succeeded", set(result.metrics))
        assert (metrics["alerts"], metrics["checks"]) == ("6", str(len(rows)))
        assert statuses(monitor_rows(spark, tampered, "m-fail")) == statuses(rows)


def test_monitor_stage_skips_postgres_when_nothing_was_published(
    spark: SparkSession, built: Built, tmp_path: Path, run_stage
) -> None:  # type: ignore[no-untyped-def]
    with fresh_schema(lake_copy(built, tmp_path)) as config:
        result = run_stage(config, "monitor")
        rows = monitor_rows(spark, config)
    assert (result.status, result.metrics["alerts"]) == ("succeeded", "0")
    assert statuses(rows) == expected_statuses(skipped=("reconciliation.postgres_vs_gold",))
    assert rows[("reconciliation", "postgres_vs_gold")] == ("skipped", None, None)
