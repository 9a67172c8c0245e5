"""The benchmark's Spark job profile: jobs and heap read from an event log, per window."""

import json
from pathlib import Path

import pytest

from scout_lab.bench.event_log import application_log, profile, read_event_log, short_site


def _job(job_id: int, submitted: int, completed: int, site: str, described: bool = False) -> list:
    key = "spark.job.description" if described else "callSite.short"
    return [
        {"Event": "SparkListenerJobStart", "Job ID": job_id, "Submission Time": submitted,
         "Stage Infos": [{"Stage Name": "ignored"}], "Properties": {key: site}},
        {"Event": "SparkListenerJobEnd", "Job ID": job_id, "Completion Time": completed},
    ]  # fmt: skip


def _task(finished: int, heap: int) -> dict:
    return {"Event": "SparkListenerTaskEnd", "Task Info": {"Finish Time": finished},
            "Task Executor Metrics": {"JVMHeapMemory": heap}}  # fmt: skip


@pytest.fixture
def log(tmp_path: Path) -> Path:
    src = "/x/src/scout_spark"
    events = [
        {"Event": "SparkListenerLogStart", "Spark Version": "4.2.0"},
        *_job(0, 1_000, 3_000, f"save at {src}/lake/writes.py:88"),
        _task(2_500, 300 << 20),
        *_job(1, 3_500, 4_000, f"save at {src}/lake/writes.py:88"),
        *_job(2, 4_100, 9_100, f"count at {src}/pipelines/silver.py:12"),
        _task(9_000, 700 << 20),
        *_job(3, 9_500, 9_600, "step: plan", described=True),
        {"Event": "SparkListenerJobStart", "Job ID": 4, "Submission Time": 9_700,
         "Properties": {}, "Stage Infos": [{"Stage Name": "collect at /y/job.py:4"}]},
    ]  # fmt: skip
    path = tmp_path / "local-1"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


def test_jobs_are_named_by_their_python_line_and_summed_per_line(log: Path) -> None:
    events = read_event_log(log)

    first = profile(events, 0, 4_000)
    assert first["spark_jobs"] == 2 and first["job_seconds"] == 2.5
    assert first["costliest"] == [{"site": "save at lake/writes.py:88", "jobs": 2, "seconds": 2.5}]
    assert first["peak_heap_mib"] == 300

    whole = profile(events, 0, 10_000)
    assert [c["site"] for c in whole["costliest"]] == [
        "count at pipelines/silver.py:12",
        "save at lake/writes.py:88",
        "step: plan",
    ]  # a job still running at the end of the log (job 4) is not counted
    assert whole["spark_jobs"] == 4 and whole["peak_heap_mib"] == 700


def test_a_window_without_jobs_has_an_empty_profile(log: Path) -> None:
    empty = profile(read_event_log(log), 20_000, 30_000)

    assert empty == {"spark_jobs": 0, "job_seconds": 0, "costliest": [], "peak_heap_mib": 0}


def test_short_site_keeps_the_package_path_or_the_file_name() -> None:
    assert short_site("save at /a/src/scout_spark/lake/writes.py:88") == "save at lake/writes.py:88"
    assert short_site("collect at /tmp/job.py:4") == "collect at job.py:4"
    assert short_site("step: plan") == "step: plan"


def test_application_log_is_the_one_file_spark_wrote(log: Path) -> None:
    (log.parent / ".local-1.crc").write_text("")
    assert application_log(log.parent) == log
    (log.parent / "local-2").write_text("")
    with pytest.raises(RuntimeError, match="expected one Spark event log"):
        application_log(log.parent)
