"""Stages run in order: each stage's final ledger row and the next one's `running` row are
one commit, so a run of N stages costs N + 1 ledger commits, not 2N."""

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.cli.runner import Invocation, run_in_order
from scout_spark.context import NoOptions, RunContext
from scout_spark.lake.writes import read_changes, table_version
from scout_spark.records.ledger import ledger_path
from scout_spark.results import StageResult
from scout_spark.stages import Stage


def _succeeds(run_ctx: RunContext) -> StageResult:
    return StageResult(records_read=1)


def _fails(run_ctx: RunContext) -> StageResult:
    raise RuntimeError("planned failure")


def test_a_stage_final_row_and_the_next_start_share_a_commit(
    spark: SparkSession, lake_config
) -> None:
    config = lake_config("sequence")
    steps = [
        (Stage(name, "test", run), Invocation(NoOptions(), f"seq-{name}", "seq"))
        for name, run in (("bronze", _succeeds), ("silver", _succeeds), ("gold", _fails),
                          ("platinum", _succeeds))
    ]  # fmt: skip
    started: list[str] = []

    failed = run_in_order(
        spark, config, steps, lambda n, stage: started.append(f"{n} {stage.name}")
    )

    assert failed is not None and failed.name == "gold"
    assert started == ["1 bronze", "2 silver", "3 gold"]
    path = ledger_path(config)
    latest = table_version(spark, path)
    assert latest is not None
    rows = (
        read_changes(spark, path, -1, latest)
        .filter(F.col("pipeline_run_id") == "seq")
        .select("stage", "status", "_commit_version")
        .collect()
    )
    commits = {(r["stage"], r["status"]): r["_commit_version"] for r in rows}
    assert set(commits) == {
        ("bronze", "running"), ("bronze", "succeeded"), ("silver", "running"),
        ("silver", "succeeded"), ("gold", "running"), ("gold", "failed"),
    }  # fmt: skip
    assert commits[("bronze", "succeeded")] == commits[("silver", "running")]
    assert commits[("silver", "succeeded")] == commits[("gold", "running")]
    assert len(set(commits.values())) == 4  # 3 stages run: 4 commits, not 6
