"""A stage that runs out of memory ends in one line on stderr and a failed ledger row."""

import argparse
from datetime import UTC, datetime

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.cli.context import RunContext
from scout_spark.cli.memory_failure import working_on
from scout_spark.cli.runner import EXIT_FAILED, run_stage
from scout_spark.ops.ledger import read_ledger
from scout_spark.ops.results import StageResult
from scout_spark.stages import Stage

# What Py4J raises when a Spark job's task ran out of heap (text as Spark writes it).
SPARK_OOM = (
    "An error occurred while calling o412.save.\n"
    ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage "
    "28.0 failed 1 times, most recent failure: Lost task 3.0 in stage 28.0 (TID 53) "
    "(localhost executor driver): java.lang.OutOfMemoryError: Java heap space\n"
    "\tat org.apache.spark.unsafe.memory.HeapMemoryAllocator.allocate(HeapMemoryAllocator.java:72)\n"
    "\tat org.apache.spark.memory.TaskMemoryManager.allocatePage(TaskMemoryManager.java:411)\n"
)


class Py4JJavaError(Exception):
    """Stands in for py4j's: only its text matters here."""


def _oom_stage(run_ctx: RunContext) -> StageResult:
    with working_on("items"):
        raise Py4JJavaError(SPARK_OOM)


def _args(run_id: str) -> argparse.Namespace:
    return argparse.Namespace(run_id=run_id, pipeline_run_id=None, verbose=False)


def test_out_of_memory_is_one_line_and_a_failed_ledger_row(
    spark: SparkSession,
    lake_config,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    config = lake_config("oom")
    stage = Stage("silver", "test", _oom_stage)

    assert run_stage(stage, spark, config, _args("oom-run")) == EXIT_FAILED

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    heap = spark.conf.get("spark.driver.memory")
    expected = (
        f"stage silver, dataset items: ran out of Java heap memory (java.lang.OutOfMemoryError) "
        f"with a {heap} driver heap: raise spark.driver_memory"
    )
    assert lines[0].startswith("scout silver: failed after ") and expected in lines[0]
    assert "--driver-memory" in lines[0] and "HeapMemoryAllocator" not in lines[0]
    rows = (
        read_ledger(spark, config)
        .filter(F.col("run_id") == "oom-run")
        .orderBy("recorded_at")
        .select("stage", "status", "error_message")
        .collect()
    )
    assert [(r["stage"], r["status"]) for r in rows] == [
        ("silver", "running"),
        ("silver", "failed"),
    ]
    assert expected in rows[1]["error_message"]


def test_other_failures_keep_their_own_line(
    spark: SparkSession,
    lake_config,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    def broken(run_ctx: RunContext) -> StageResult:
        raise Py4JJavaError("An error occurred while calling o1.save.\n: java.io.IOException: full")

    started = datetime.now(UTC)
    stage = Stage("gold", "test", broken)
    assert run_stage(stage, spark, lake_config("other"), _args(f"io-{started:%H%M%S}")) == 1
    err = capsys.readouterr().err
    # Its own line names the Java exception, not py4j's "An error occurred while calling".
    assert "Java heap" not in err and "failed after" in err
    assert "java.io.IOException: full" in err and "An error occurred while calling" not in err
