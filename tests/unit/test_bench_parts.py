"""Parts of the benchmark the suite's smoke run does not reach: landing one new day, the
report of the one-new-day and no-new-data sections, the options."""

from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest

from scout_lab.bench import benchmark, noop_run, pipeline_runs
from scout_lab.bench.pipeline_runs import _land_new_day
from scout_lab.bench.render import render
from scout_lab.bench.workspace import START, generate_days, workspace
from scout_spark.config import Config

MACHINE = {
    "cores": 2, "memory_gib": 23.5, "cpu": "cpu", "os": "Linux", "python": "3.11",
    "java": "17", "spark": "4.2.0", "spark_master": "local[2]", "driver_memory": "4g",
    "delta_spark": "4.4.0", "postgres": "15", "duckdb": "2.0.1", "pgpq": "0.12.0",
}  # fmt: skip


def _stage(name: str, seconds: float) -> dict:
    return {"stage": name, "seconds": seconds}


def test_land_new_day_adds_one_partition_per_dataset(test_config: Config, tmp_path: Path) -> None:
    case = workspace(test_config, tmp_path)
    generate_days(case.landing, START, 2, 40)

    _land_new_day(case, 2, 40)

    for dataset in ("transactions", "items"):
        days = sorted(p.name for p in (case.landing / dataset).iterdir())
        assert days == ["dt=2025-01-01", "dt=2025-01-02", "dt=2025-01-03"]
        new = case.landing / dataset / "dt=2025-01-03"
        assert (new / "_SUCCESS").exists()
        assert sum(pq.read_metadata(f).num_rows for f in new.glob("*.parquet")) >= 40


def test_render_reports_the_new_day_and_no_new_data_sections_with_their_goals() -> None:
    results = {
        "started_at": "2026-11-26T06:00:00+00:00",
        "machine": MACHINE,
        "incremental": {
            "runs": [
                {"lake_days": 30, "per_day": 2000, "total_s": 40.0,
                 "stages": [_stage("bronze", 10.0), _stage("silver", 30.0)]},
                {"lake_days": 365, "per_day": 2000, "total_s": 60.0,
                 "stages": [_stage("bronze", 20.0), _stage("silver", 40.0)]},
            ],
            "ratio": 1.5,
        },
        "noop": {"pipeline_no_new_data_s": 90.0, "empty_spark_job_s": 15.0, "ratio": 6.0,
                 "rounds": [[88.0, 16.0], [90.0, 15.0], [95.0, 14.0]]},
    }  # fmt: skip

    report = render(results)

    assert "| 30 | 10.00 | 30.00 | 40.00 |" in report
    assert "| 365 | 20.00 | 40.00 | 60.00 |" in report
    assert "ratio one new day, large vs small lake: 1.50, goal <= 1.3: NOT met" in report
    assert (
        "| empty Spark job (same session set-up, one action) | 15.00 | 16.00, 15.00, 14.00 |"
        in report
    )
    assert "ratio no new data vs an empty Spark job (medians): 6.00, goal <= 1.5: NOT met" in report
    assert "## 1." not in report  # sections not run are not shown


def _merge_run(size: int, merge_s: float, rewrite_s: float) -> dict:
    rows = size * 4
    return {
        "transactions": size, "rows": rows, "changed_rows": rows // 100, "correction_days": 7,
        "files_before": 8, "same_result": True, "ratio": merge_s / rewrite_s,
        "merge": {"seconds": merge_s, "files_removed": 0, "files_added": 1,
                  "deletion_vectors_added": 2, "rows_updated": rows // 100, "rows_inserted": 0,
                  "rows_copied": 0},
        "rewrite": {"seconds": rewrite_s, "files_removed": 8, "files_added": 8,
                    "rows_written": rows},
    }  # fmt: skip


def test_render_reports_the_silver_merge_of_each_size_with_its_goal() -> None:
    results = {
        "started_at": "2026-11-26T06:00:00+00:00",
        "machine": MACHINE,
        "silver_merge": [_merge_run(1_000, 9.0, 12.0), _merge_run(10_000, 10.0, 50.0)],
    }

    report = render(results)

    assert "| 1,000 | MERGE | 9.00 | 0 | 1 | 2 | 40 |" in report
    assert "| 10,000 | rewrite | 50.00 | 8 | 8 | 0 | 40,000 |" in report
    assert "1,000 transactions: 40 changed rows (1.0% of 4,000" in report
    assert "ratio silver MERGE 1% vs rewrite: 0.75, goal <= 0.25: NOT met" in report
    assert "ratio silver MERGE 1% vs rewrite: 0.20, goal <= 0.25: met" in report


def _plan(*argv: str) -> benchmark.Plan:
    parser = benchmark._parser()
    return benchmark.plan_from(parser.parse_args(list(argv)), parser)


def test_options_build_the_plan_and_refuse_what_cannot_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _plan().sizes == (1_000_000, 10_000_000)
    assert _plan("--sizes", "2000", "--sections", "publish").sections == ("publish",)
    assert _plan("--smoke").sizes == benchmark.SMOKE.sizes
    for argv, message in (
        (("--sections", "peers"), "run on the pipeline's lake"),
        (("--sections", "pipeline,speed"), "unknown speed"),
        (("--sizes", "1e6"), "expected whole numbers"),
        (("--sizes", "10", "--days", "30"), "at least one transaction per day"),
    ):
        with pytest.raises(SystemExit):
            _plan(*argv)
        assert message in capsys.readouterr().err


def test_a_failed_pipeline_run_keeps_its_log_outside_the_workspace(
    test_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_submit = tmp_path / "spark-submit"
    fake_submit.write_text("#!/bin/sh\necho 'scout bronze: failed: out of heap'\nexit 3\n")
    fake_submit.chmod(0o755)
    monkeypatch.setattr(pipeline_runs, "SPARK_SUBMIT", fake_submit)
    monkeypatch.setattr(pipeline_runs, "FAILED_LOGS", tmp_path / "kept")

    with pytest.raises(RuntimeError, match=r"run_pipeline exited 3 \(whole log: .*run-x-failed"):
        pipeline_runs.submit_pipeline(test_config, tmp_path / "workspace", "run-x", "1g")

    kept = tmp_path / "kept" / "run-x-failed.log"
    assert kept.read_text() == "scout bronze: failed: out of heap\n"


def test_no_new_data_rounds_alternate_and_report_medians(monkeypatch: pytest.MonkeyPatch) -> None:
    seconds = iter([50.0, 10.0, 40.0, 12.0, 60.0, 11.0])  # pipeline, empty, pipeline, ...
    started: list[str] = []

    def timed(script: Path, arguments: list[str]) -> float:
        started.append(script.name)
        return next(seconds)

    monkeypatch.setattr(noop_run, "_timed_submit", timed)
    case = SimpleNamespace(overrides=lambda: ["lake.root=/x/"])

    result = noop_run.noop_vs_empty(case, rounds=3)  # type: ignore[arg-type]

    assert started == ["run_pipeline.py", "empty_job.py"] * 3
    assert result == {
        "pipeline_no_new_data_s": 50.0, "empty_spark_job_s": 11.0, "ratio": 4.55,
        "rounds": [(50.0, 10.0), (40.0, 12.0), (60.0, 11.0)],
    }  # fmt: skip
