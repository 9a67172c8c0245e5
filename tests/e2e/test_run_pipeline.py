"""jobs/run_pipeline.py through a real spark-submit: every stage, progress lines, Postgres."""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.cli import main as generate
from scout_spark.config import Config
from scout_spark.publish.connection import psycopg_kwargs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
STAGES = ("bronze", "silver", "gold", "platinum", "publish", "monitor")


@pytest.fixture
def schema(test_config: Config) -> Iterator[str]:
    """A fresh Postgres schema name; the schema is dropped afterwards."""
    name = f"e2e_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(**psycopg_kwargs(test_config.postgres), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def _count(config: Config, schema: str, query: str) -> int:
    with psycopg.connect(**psycopg_kwargs(config.postgres)) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
        row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=900, env={**os.environ, **env}, check=False
    )


@contextmanager
def _started(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`args` running in the background, stdout and stderr to `log`; killed if left running."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **env}, start_new_session=True,
        )  # fmt: skip
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_run_pipeline_job_runs_every_stage_and_lands_in_postgres(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    schema: str,
    tmp_path: Path,
) -> None:
    landing, lake = tmp_path / "landing", tmp_path / "lake"
    generate(["--dest", str(landing), "--days", "2", "--transactions-per-day", "40",
              "--stores", "5", "--customers", "20", "--faults", "none", "--seed", "3"])  # fmt: skip
    settings = [f"source.root={landing}/", f"lake.root={lake}/", f"postgres.schema={schema}",
                "spark.shuffle_partitions=2"]  # fmt: skip
    options = ["--env", "local", *[item for s in settings for item in ("--set", s)]]
    job = [str(ROOT / "scripts" / "spark-submit"), str(ROOT / "jobs" / "run_pipeline.py")]

    result = _run([*job, *options, "--run-id", "e2e"], services_env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    for number, stage in enumerate(STAGES, start=1):
        assert f"scout run_pipeline: [{number}/{len(STAGES)}] {stage}" in output
        assert f"scout {stage}: succeeded in " in output
    assert f"scout run_pipeline: {len(STAGES)} stages in" in output

    # The run stopped at publish (Postgres unreachable) is checked last, but started now: it
    # reaches neither Postgres nor what is checked below (gold, this run's ledger rows).
    stop_args = [*job, *options, "--set", "postgres.port=1", "--from-stage", "publish"]
    with _started(stop_args, services_env, tmp_path / "stopped.log") as stopping:
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
    assert stages == set(STAGES)
    gold_count = spark.read.format("delta").load(str(lake / "gold" / "transactions")).count()
    assert gold_count > 0
    published = _count(test_config, schema, "SELECT count(*) FROM scout_gold_transactions")
    assert published == gold_count
    monitored = "SELECT count(*) FROM etl_monitoring WHERE run_id LIKE 'e2e-%'"
    assert _count(test_config, schema, monitored) >= len(STAGES) - 1

    shown = _run([sys.executable, "-m", "scout_spark.cli.show", *options], services_env)
    assert shown.returncode == 0, shown.stderr
    line = next(ln for ln in shown.stdout.splitlines() if "scout_gold_transactions" in ln)
    assert line.split() == ["scout_gold_transactions", f"{gold_count:,}", "rows"]
