"""Databricks job definitions in both forms: a job cluster (classic) or serverless."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service.jobs import JobSettings

from scout_spark.errors import ConfigError
from scout_spark.schedules import databricks
from scout_spark.schedules.job import check_no_jar_coordinates, wheel_name
from scout_spark.schedules.loader import load_schedules
from scout_spark.schedules.model import Schedules

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = "/Volumes/scout/dev/artifacts/"
SERVERLESS = f"""\
timezone: Asia/Manila
targets:
  dev:
    databricks:
      artifacts: {ARTIFACTS}
      compute: serverless
pipelines:
  - name: p_dev
    env: dev
    source_path_pattern: transactions/dt={{date}}/*.parquet
    cron: "0 2 * * *"
    enabled: true
"""
CLASSIC = SERVERLESS.replace(
    "compute: serverless",
    "spark_version: 17.3.x-scala2.13\n      node_type_id: m5d.large\n      num_workers: 2",
)
LOAD_ERRORS = [
    ("unknown compute", ("compute: serverless", "compute: gpu"),
     "key 'targets.dev.databricks.compute' must be one of classic, serverless"),
    ("cluster key on serverless", ("compute: serverless", "compute: serverless\n      num_workers: 2"),
     "key 'targets.dev.databricks.num_workers' is for a job cluster; compute is serverless"),
    ("classic without a cluster", ("compute: serverless", "compute: classic"),
     "missing key 'targets.dev.databricks.spark_version' (compute is classic)"),
    ("environment version", ("compute: serverless", "compute: serverless\n      environment_version: 0"),
     "key 'targets.dev.databricks.environment_version' must be >= 1"),
]  # fmt: skip


def _load(tmp_path: Path, text: str) -> Schedules:
    path = tmp_path / "pipelines.yaml"
    path.write_text(text, encoding="utf-8")
    return load_schedules(path)


def _request(schedules: Schedules) -> dict[str, Any]:
    (pipeline,) = schedules.pipelines
    target = schedules.targets["dev"].databricks
    assert target is not None
    return databricks.job_request(pipeline, target, schedules.timezone)


def test_serverless_form_names_an_environment_and_no_cluster(tmp_path: Path) -> None:
    request = _request(_load(tmp_path, SERVERLESS))

    assert JobSettings.from_dict(request).as_dict() == request
    assert "job_clusters" not in request
    assert request["environments"] == [
        {
            "environment_key": "scout",
            "spec": {
                "environment_version": "4",
                "dependencies": [f"{ARTIFACTS}dist/{wheel_name()}"],
            },
        }
    ]
    (task,) = request["tasks"]
    assert task["environment_key"] == "scout"
    assert not {"job_cluster_key", "new_cluster", "existing_cluster_id", "libraries"} & set(task)
    assert task["spark_python_task"]["python_file"] == f"{ARTIFACTS}jobs/run_pipeline.py"
    assert task["spark_python_task"]["parameters"][:4] == [
        "--env",
        "dev",
        "--set",
        "spark.jars=none",
    ]
    check_no_jar_coordinates(request, "serverless")


def test_serverless_environment_version_is_a_setting(tmp_path: Path) -> None:
    text = SERVERLESS.replace(
        "compute: serverless", "compute: serverless\n      environment_version: 3"
    )

    request = _request(_load(tmp_path, text))

    assert request["environments"][0]["spec"]["environment_version"] == "3"


@pytest.mark.parametrize("compute", ["", "\n      compute: classic"])
def test_classic_form_is_the_default_and_runs_on_a_job_cluster(
    tmp_path: Path, compute: str
) -> None:
    text = CLASSIC.replace("num_workers: 2", f"num_workers: 2{compute}")

    request = _request(_load(tmp_path, text))

    assert JobSettings.from_dict(request).as_dict() == request
    assert "environments" not in request
    ((cluster_key, cluster),) = [
        (c["job_cluster_key"], c["new_cluster"]) for c in request["job_clusters"]
    ]
    assert (cluster["spark_version"], cluster["node_type_id"], cluster["num_workers"]) == (
        "17.3.x-scala2.13", "m5d.large", 2,
    )  # fmt: skip
    assert cluster["data_security_mode"] == "SINGLE_USER"
    (task,) = request["tasks"]
    assert task["job_cluster_key"] == cluster_key
    assert task["libraries"] == [{"whl": f"{ARTIFACTS}dist/{wheel_name()}"}]
    assert "environment_key" not in task


@pytest.mark.parametrize(("case", "edit", "message"), LOAD_ERRORS, ids=[c[0] for c in LOAD_ERRORS])
def test_databricks_compute_errors_are_one_line(
    tmp_path: Path, case: str, edit: tuple[str, str], message: str
) -> None:
    assert edit[0] in SERVERLESS, case

    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, SERVERLESS.replace(edit[0], edit[1], 1))

    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_job_file_finds_conf_beside_it_when_run_without_file(tmp_path: Path) -> None:
    # Serverless tasks take no environment variables, and Databricks runs a script
    # through exec() with no __file__: conf/ beside jobs/ must still be the one read.
    (tmp_path / "jobs").mkdir()
    (tmp_path / "conf").mkdir()  # empty: the error names the file it looked for
    job = tmp_path / "jobs" / "run_pipeline.py"
    shutil.copy(REPO / "jobs" / "run_pipeline.py", job)
    runner = (
        "import sys; p = sys.argv[1]; sys.argv = [p, '--env', 'dev']\n"
        "exec(compile(open(p).read(), p, 'exec'), {'__name__': '__main__'})"
    )
    env = {k: v for k, v in os.environ.items() if k != "SCOUT_CONF_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])

    result = subprocess.run(
        [sys.executable, "-c", runner, str(job)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=120,
    )  # fmt: skip

    assert result.returncode == 2
    assert f"{tmp_path / 'conf' / 'base.yaml'}: config file not found" in result.stderr
