"""run_pipeline in one session, then a rollback returning every lake table and Postgres."""

import argparse
import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from publish_lake import dashboard_state, fresh_schema
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.cli.pipeline import PIPELINE_ORDER, parser, run_stages
from scout_spark.cli.rollback import parser as rollback_parser
from scout_spark.cli.rollback import roll_back
from scout_spark.config import Config
from scout_spark.errors import ConfigError
from scout_spark.lake.catalog import lake_tables
from scout_spark.ops.ledger import latest_ledger, read_ledger
from scout_spark.ops.rollback import NEVER_ROLLED_BACK
from scout_spark.parallel import for_each
from scout_spark.publish.connection import psycopg_kwargs
from scout_spark.sample.cli import main as generate

pytestmark = pytest.mark.postgres
Snapshot = dict[str, list[str]]


def _land(generated: Path, landing: Path, *, held_back: str | None) -> None:
    """Copy the generated files into the landing zone, except those dated `held_back`."""
    manifest = json.loads((generated / "_manifest.json").read_text())
    for entry in manifest["files"]:
        if entry.get("date") == held_back:
            continue
        target = landing / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(generated / entry["path"], target)


def _restorable(spark: SparkSession, config: Config, prefix: str = "") -> dict[str, str]:
    """Every lake table a rollback restores (those named `prefix`...): name -> path."""
    return {
        n: p
        for n, p in lake_tables(spark, config).items()
        if n not in NEVER_ROLLED_BACK and n.startswith(prefix)
    }


def _rows(spark: SparkSession, path: str) -> list[str]:
    return sorted(spark.read.format("delta").load(path).toJSON().collect())


def _lake(spark: SparkSession, config: Config, prefix: str = "") -> Snapshot:
    """Every lake table a rollback restores (or only those named `prefix`...), as sorted rows.

    The tables are read from a few driver threads at once (reads only: nothing commits).
    """
    tables = _restorable(spark, config, prefix)
    rows = for_each(lambda path: _rows(spark, path), tables.values())
    return dict(zip(tables, rows, strict=True))


def _lake_differs(spark: SparkSession, config: Config, snapshot: Snapshot) -> bool:
    """`_lake(spark, config) != snapshot`, reading tables only until the first difference."""
    tables = _restorable(spark, config)
    if tables.keys() != snapshot.keys():
        return True
    return any(_rows(spark, path) != snapshot[name] for name, path in tables.items())


def _dashboard(config: Config) -> tuple[str, ...]:
    with psycopg.connect(**psycopg_kwargs(config.postgres), autocommit=True) as conn:
        conn.execute(f"SET search_path = {config.postgres.schema}")
        return dashboard_state(conn)


def _pipeline(spark: SparkSession, config: Config, run_id: str) -> int:
    """bronze to publish (the monitors write nothing a rollback restores)."""
    args = parser().parse_args([])
    return run_stages(spark, config, PIPELINE_ORDER[:-1], args, run_id)


def _statuses(spark: SparkSession, config: Config, pipeline_run: str) -> dict[str, str]:
    rows = latest_ledger(read_ledger(spark, config)).filter(
        F.col("pipeline_run_id") == pipeline_run
    )
    return {r["stage"]: r["status"] for r in rows.collect()}


def test_pipeline_then_rollback_restores_every_table_and_the_dashboard(
    spark: SparkSession, lake_config, run_stage, tmp_path: Path
) -> None:
    generated = tmp_path / "generated"
    generate(["--dest", str(generated), "--days", "3", "--transactions-per-day", "60",
              "--stores", "8", "--customers", "40", "--faults", "none", "--seed", "7"])  # fmt: skip
    last_day = max(e["date"] for e in json.loads((generated / "_manifest.json").read_text())["files"]
                   if e.get("date"))  # fmt: skip
    with fresh_schema(lake_config("rollback")) as config:
        landing = Path(config.source.root.removeprefix("file://"))
        _land(generated, landing, held_back=last_day)

        assert _pipeline(spark, config, "p1") == 0
        statuses = _statuses(spark, config, "p1")
        assert set(PIPELINE_ORDER[:-1]) <= statuses.keys()
        assert set(statuses.values()) == {"succeeded"}, statuses
        lake_before, dashboard_before = _lake(spark, config), _dashboard(config)
        time.sleep(1)
        between = datetime.now(UTC)

        _land(generated, landing, held_back=None)
        assert _pipeline(spark, config, "p2") == 0
        assert _lake_differs(spark, config, lake_before)
        dashboard_p2 = _dashboard(config)
        assert dashboard_p2 != dashboard_before

        refused = rollback_parser().parse_args(["--run-id", "p1"])
        assert roll_back(spark, config, refused) == 1  # p2 wrote the same tables later
        assert _dashboard(config) != dashboard_before

        assert roll_back(spark, config, rollback_parser().parse_args(["--run-id", "p2"])) == 0
        lake_after = _lake(spark, config)
        assert {k: v for k, v in lake_after.items() if v or k in lake_before} == lake_before
        assert _dashboard(config) == dashboard_before

        rollback_rows = latest_ledger(read_ledger(spark, config)).filter(
            F.col("stage") == "rollback"
        )
        row = rollback_rows.filter(F.col("status") == "succeeded").first()
        assert row is not None and row["metrics"]["rolled_back_run"] == "p2"
        assert (
            row["versions_after"]["silver/transactions"]
            > row["versions_before"]["silver/transactions"]
        )

        # The rolled-back day lands again on the next run, exactly once.
        assert _pipeline(spark, config, "p3") == 0
        assert _dashboard(config) == dashboard_p2

        # Time travel: gold rebuilt from silver as it was between p1 and p2 equals p1's gold.
        with pytest.raises(ConfigError, match="add --full-refresh"):
            run_stage(config, "gold", as_of_timestamp=between)
        run_stage(config, "gold", full_refresh=True, as_of_timestamp=between)
        gold_now = _lake(spark, config, prefix="gold/")
        assert gold_now == {k: v for k, v in lake_before.items() if k.startswith("gold/")}


def test_rollback_of_an_unknown_run_fails_clearly(spark: SparkSession, lake_config) -> None:
    config = lake_config("unknown")
    spark.range(1).write.format("delta").save(config.lake_path("gold", "t"))
    args = argparse.Namespace(**vars(rollback_parser().parse_args(["--run-id", "nope"])))
    assert roll_back(spark, config, args) == 1
