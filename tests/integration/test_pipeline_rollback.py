"""Two pipeline runs in one session, then a rollback returning every lake table and Postgres.

The runs and the rollback are the shared prepared states (tests/conftest.py
`chaos_rolled_back`): built once per session for this test and the chaos sample; each
test copies the state it changes.
"""

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dashboard import config_state
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.bench.chaos_prepare import RUN1, RUN2, Prepared
from scout_lab.bench.chaos_state import copy_world, drop_world
from scout_spark.cli.pipeline import PIPELINE_ORDER, parser, pipeline_calls, run_stages
from scout_spark.cli.rollback import parser as rollback_parser
from scout_spark.cli.rollback import roll_back
from scout_spark.config import Config
from scout_spark.errors import ConfigError
from scout_spark.lake.as_of import AsOf
from scout_spark.lake.catalog import lake_tables
from scout_spark.ops.rollback import NEVER_ROLLED_BACK
from scout_spark.parallel import for_each
from scout_spark.records.ledger import latest_ledger, read_ledger

pytestmark = pytest.mark.postgres
Snapshot = dict[str, list[str]]


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


def _pipeline(spark: SparkSession, config: Config, run_id: str) -> int:
    """bronze to publish (the monitors write nothing a rollback restores)."""
    calls = pipeline_calls(PIPELINE_ORDER[:-1], parser().parse_args([]), run_id)
    return run_stages(spark, config, calls, run_id)


def _statuses(spark: SparkSession, config: Config, pipeline_run: str) -> dict[str, str]:
    rows = latest_ledger(read_ledger(spark, config)).filter(
        F.col("pipeline_run_id") == pipeline_run
    )
    return {r["stage"]: r["status"] for r in rows.collect()}


def _finished_at(spark: SparkSession, config: Config, pipeline_run: str) -> datetime:
    """The last ledger row of a pipeline run: after its commits, before any later run's."""
    rows = read_ledger(spark, config).filter(F.col("pipeline_run_id") == pipeline_run)
    seconds = rows.agg(F.max(F.col("recorded_at").cast("double"))).first()
    assert seconds is not None and seconds[0] is not None, pipeline_run
    return datetime.fromtimestamp(seconds[0], UTC)


def test_pipeline_then_rollback_restores_every_table_and_the_dashboard(
    spark: SparkSession, chaos_rolled_back: Prepared, run_stage, tmp_path: Path
) -> None:
    """The shared prepared runs: run 1 over all days but the last, then (the last day
    landed) run 2, then run 2 rolled back (once per session, on a copy of the state after
    it). `before` is the state after run 1, `after_run2` after run 2 (both read in place);
    the test changes copies."""
    prepared = chaos_rolled_back
    assert prepared.rolled_back is not None
    before, after_run2 = prepared.before["bronze"].config, prepared.before["rollback"].config
    refusing = copy_world(prepared.before["rollback"], tmp_path / "refused")
    world = copy_world(prepared.rolled_back, tmp_path / "rollback")
    config = world.config
    try:
        statuses = _statuses(spark, after_run2, RUN1)
        assert set(PIPELINE_ORDER[:-1]) <= statuses.keys()
        assert set(statuses.values()) == {"succeeded"}, statuses
        # Run 2 (its stages exited 0, or the preparation stopped) skips the datasets that
        # got no new day, so only its stage rows are checked.
        statuses = _statuses(spark, after_run2, RUN2)
        assert {statuses.get(s) for s in PIPELINE_ORDER[:-1]} == {"succeeded"}, statuses
        lake_before, dashboard_before = _lake(spark, before), config_state(before)
        between = _finished_at(spark, after_run2, RUN1)

        assert _lake_differs(spark, after_run2, lake_before)
        dashboard_p2 = config_state(after_run2)
        assert dashboard_p2 != dashboard_before

        refused = rollback_parser().parse_args(["--run-id", RUN1])
        assert roll_back(spark, refusing.config, refused) == 1  # run 2 wrote them later
        assert config_state(refusing.config) == dashboard_p2

        # Run 2 rolled back: every restorable table and the dashboard as after run 1.
        lake_after = _lake(spark, config)
        assert {k: v for k, v in lake_after.items() if v or k in lake_before} == lake_before
        assert config_state(config) == dashboard_before

        rollback_rows = latest_ledger(read_ledger(spark, config)).filter(
            F.col("stage") == "rollback"
        )
        row = rollback_rows.filter(F.col("status") == "succeeded").first()
        assert row is not None and row["metrics"]["rolled_back_run"] == RUN2
        assert (
            row["versions_after"]["silver/transactions"]
            > row["versions_before"]["silver/transactions"]
        )

        # The rolled-back day lands again on the next run, exactly once.
        assert _pipeline(spark, config, "p3") == 0
        assert config_state(config) == dashboard_p2

        # Time travel: gold rebuilt from silver as it was between run 1 and run 2 equals
        # run 1's gold.
        with pytest.raises(ConfigError, match="add --full-refresh"):
            run_stage(config, "gold", as_of=AsOf(timestamp=between))
        run_stage(config, "gold", full_refresh=True, as_of=AsOf(timestamp=between))
        gold_now = _lake(spark, config, prefix="gold/")
        assert gold_now == {k: v for k, v in lake_before.items() if k.startswith("gold/")}
    finally:
        drop_world(world)
        drop_world(refusing)


def test_rollback_of_an_unknown_run_fails_clearly(spark: SparkSession, lake_config) -> None:
    config = lake_config("unknown")
    spark.range(1).write.format("delta").save(config.lake_path("gold", "t"))
    args = argparse.Namespace(**vars(rollback_parser().parse_args(["--run-id", "nope"])))
    assert roll_back(spark, config, args) == 1
