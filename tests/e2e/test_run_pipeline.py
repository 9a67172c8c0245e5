"""jobs/run_pipeline.py through a real spark-submit: every stage, progress lines, Postgres."""

import sys
from pathlib import Path

import psycopg
import pytest
from pipeline_run import (
    PIPELINE,
    ROOT,
    PipelineRun,
    assert_every_stage_succeeded,
    run,
    started,
)
from psycopg import sql
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.publish.connection import psycopg_kwargs

pytestmark = pytest.mark.e2e


def _count(config: Config, schema: str, query: str) -> int:
    with psycopg.connect(**psycopg_kwargs(config.postgres)) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
        row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def test_run_pipeline_job_runs_every_stage_and_lands_in_postgres(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    classic_run: PipelineRun,
    tmp_path: Path,
) -> None:
    """The session's classic run (tests/e2e/conftest.py: spark-submit, run id e2e)."""
    assert classic_run.result.returncode == 0, classic_run.output[-3000:]
    assert_every_stage_succeeded(classic_run.output)

    # The run stopped at publish (Postgres unreachable) is checked last, but started now: it
    # reaches neither Postgres nor what is checked below (gold, this run's ledger rows).
    job = [str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / "run_pipeline.py")]
    options, lake, schema = classic_run.options, classic_run.lake, classic_run.schema
    stop_args = [*job, *options, "--set", "postgres.port=1", "--from-stage", "publish"]
    with started(stop_args, services_env, tmp_path / "stopped.log") as stopping:
        _check_landed(spark, test_config, options, lake, schema, services_env)
        stopping.wait(timeout=900)
    assert stopping.returncode == 1
    assert "scout run_pipeline: stopped at publish" in (tmp_path / "stopped.log").read_text()


def _check_landed(
    spark: SparkSession, test_config: Config, options: list[str], lake: Path, schema: str,
    services_env: dict[str, str],
) -> None:  # fmt: skip
    """The ledger has every stage of run e2e; gold is in Postgres; `show` reports it."""
    ledger_df = spark.read.format("delta").load(str(lake / "_ops" / "run_ledger"))
    finals = ledger_df.filter((F.col("pipeline_run_id") == "e2e") & (F.col("status") != "running"))
    stages = {r["stage"] for r in finals.select("stage").collect() if "." not in r["stage"]}
    assert stages == set(PIPELINE)
    gold_count = spark.read.format("delta").load(str(lake / "gold" / "transactions")).count()
    assert gold_count > 0
    published = _count(test_config, schema, "SELECT count(*) FROM scout_gold_transactions")
    assert published == gold_count
    monitored = "SELECT count(*) FROM etl_monitoring WHERE run_id LIKE 'e2e-%'"
    assert _count(test_config, schema, monitored) >= len(PIPELINE) - 1

    shown = run([sys.executable, "-m", "scout_spark.cli.show", *options], services_env)
    assert shown.returncode == 0, shown.stderr
    line = next(ln for ln in shown.stdout.splitlines() if "scout_gold_transactions" in ln)
    assert line.split() == ["scout_gold_transactions", f"{gold_count:,}", "rows"]
