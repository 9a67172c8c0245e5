"""The benchmark at smoke size: its sections run, their figures hang together, and the
markdown report and JSON carry them (the real figures come from scripts/benchmark.py).

The suite runs the pipeline (one spark-submit) and the in-process sections on one lake. The one-new-day section (four more
pipeline runs) and the no-new-data section (two spark-submits) cost minutes even at this
size: `scripts/benchmark.py --smoke` runs them; their parts are unit-tested in
tests/unit/test_bench_parts.py."""

import dataclasses
import json
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from scout_lab.bench.benchmark import SMOKE, run_benchmark
from scout_lab.bench.pipeline_runs import STAGES
from scout_lab.bench.render import render
from scout_spark.config import Config
from scout_spark.publish.connection import connect

pytestmark = pytest.mark.postgres

IN_SUITE = ("pipeline", "merge", "peers", "publish")


def test_benchmark_smoke_runs_its_in_process_sections(
    spark: SparkSession, test_config: Config, tmp_path: Path
) -> None:
    schemas_before = _bench_schemas(test_config)
    plan = dataclasses.replace(SMOKE, sections=IN_SUITE)

    results = json.loads(json.dumps(run_benchmark(spark, test_config, tmp_path, plan)))

    (pipeline,) = results["pipeline"]
    assert [s["stage"] for s in pipeline["stages"]] == list(STAGES)
    assert all(s["status"] == "succeeded" and s["seconds"] > 0 for s in pipeline["stages"])
    assert pipeline["source_rows"] == pipeline["stages"][0]["rows_read"] > SMOKE.sizes[0]
    # Each stage ran in its own window of the one spark-submit: its memory and Spark jobs.
    assert all(s["peak_rss_mib"] > 0 for s in pipeline["stages"])
    assert all(s["spark_jobs"] > 0 and s["costliest"] for s in pipeline["stages"])
    assert any(s["peak_heap_mib"] > 0 for s in pipeline["stages"])
    for stage in pipeline["stages"]:  # each job named by the stage (job group) it ran in
        sites = [c["site"] for c in stage["costliest"]]
        assert all(site.startswith(f"{stage['stage']}: ") for site in sites), sites
    assert "incremental" not in results and "noop" not in results
    (merge,) = results["silver_merge"]
    assert merge["same_result"] and merge["changes_applied"]
    assert merge["merge"]["rows_updated"] == merge["changed_rows"] > 0
    # The pipeline's silver table has deletion vectors: the MERGE copies no unchanged row.
    assert merge["merge"]["rows_copied"] == 0 < merge["merge"]["deletion_vectors_added"]
    for peer in ("duckdb", "naive_pyspark"):
        assert results["peers"][peer]["matches_gold"], results["peers"][peer]["mismatches"]
    assert results["publish"]["rows"] == SMOKE.publish_rows
    assert results["machine"]["cores"] >= 1

    report = render(results)
    for heading in ("## 1. Whole pipeline", "## 4. Silver MERGE", "## 5. Publish",
                    "## 6. Gold daily aggregates"):  # fmt: skip
        assert heading in report
    assert f"| {SMOKE.sizes[0]:,} | **total** |" in report
    assert _bench_schemas(test_config) == schemas_before  # every case's schema dropped


def _bench_schemas(config: Config) -> set[str]:
    with connect(config.postgres, autocommit=True) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench%'")
        return {name for (name,) in rows}
