"""conf/pipelines.yaml: one-line load errors, EMR/Databricks definitions validated offline, CLI."""

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator
from databricks.sdk.service.jobs import JobSettings

from scout_spark.errors import ConfigError
from scout_spark.jars import JAR_COORDINATES
from scout_spark.schedules import cli, databricks, emr
from scout_spark.schedules.cron import to_eventbridge, to_quartz
from scout_spark.schedules.job import JarCoordinatesError, check_no_jar_coordinates
from scout_spark.schedules.loader import load_schedules
from scout_spark.schedules.model import Schedules

REPO = Path(__file__).resolve().parents[2]
PIPELINES = REPO / "conf" / "pipelines.yaml"
MAVEN_COORDINATE = re.compile(r"[\w.-]+:[\w.-]+:\d[\w.-]*")
VALID = """\
timezone: Asia/Manila
targets:
  dev:
    emr:
      artifacts: s3://scout-sample-data/artifacts/
      cluster_id: j-ABC123
      scheduler_role_arn: arn:aws:iam::111111111111:role/scheduler
pipelines:
  - name: p_dev
    env: dev
    source_path_pattern: transactions/dt={date}/*.parquet
    cron: "0 2 * * *"
    enabled: true
"""
SECOND = (
    "\n  - {name: p_dev, env: dev, source_path_pattern: x/*, cron: '0 3 * * *', enabled: true}\n"
)
LOAD_ERRORS = [
    ("unknown top key", ("timezone:", "extra: 1\ntimezone:"), "unknown key 'extra'"),
    (
        "unknown key",
        ("enabled: true", "enabled: true\n    schedule: daily"),
        "unknown key 'pipelines[0].schedule'",
    ),
    (
        "bad cron",
        ('"0 2 * * *"', '"0 2 1 * 1"'),
        "key 'pipelines[0].cron' '0 2 1 * 1' restricts both day-of-month and day-of-week",
    ),
    ("cron fields", ('"0 2 * * *"', '"0 2 * *"'), "key 'pipelines[0].cron' '0 2 * *' has 4 fields"),
    (
        "unknown env",
        ("env: dev", "env: qa"),
        "key 'pipelines[0].env' must be one of local, dev, staging, prod",
    ),
    (
        "duplicate name",
        ("enabled: true\n", "enabled: true\n" + SECOND),
        "key 'pipelines[1].name' duplicates pipeline 'p_dev'",
    ),
    ("missing key", ("    enabled: true\n", ""), "missing key 'pipelines[0].enabled'"),
    (
        "bad bool",
        ("enabled: true", "enabled: 1"),
        "key 'pipelines[0].enabled' must be true or false, got 1",
    ),
    (
        "no target",
        ("env: dev", "env: staging"),
        "key 'pipelines[0].env' is 'staging' but targets has no entry",
    ),
    ("unknown target env", ("  dev:\n", "  qa:\n"), "key 'targets.qa' is not an env"),
    (
        "unknown target key",
        ("cluster_id:", "cluster: x\n      cluster_id:"),
        "unknown key 'targets.dev.emr.cluster'",
    ),
    (
        "other env bucket",
        ("scout-sample-data", "scout-production-data"),
        "key 'targets.dev.emr.artifacts' points into env 'prod' bucket",
    ),
    (
        "role arn",
        ("role/scheduler", "user/scheduler"),
        "key 'targets.dev.emr.scheduler_role_arn' is not a role ARN",
    ),
    (
        "placeholder",
        ("{date}", "{day}"),
        "key 'pipelines[0].source_path_pattern' has placeholder {day}",
    ),
    (
        "jar args",
        ("enabled: true", "enabled: true\n    args: [--packages, x]"),
        "key 'pipelines[0].args' must not set '--packages'",
    ),
    (
        "time zone",
        ("Asia/Manila", "Mars/Olympus"),
        "key 'timezone' 'Mars/Olympus' is not a known zone",
    ),
    ("yaml", ("pipelines:", "pipelines: ["), "invalid YAML"),
]


@pytest.fixture(scope="module")
def schedules() -> Schedules:
    return load_schedules(PIPELINES)


@pytest.fixture(scope="module")
def rendered(schedules: Schedules) -> dict[str, dict[str, Any]]:
    return cli.render(schedules)


def _input_shape(service: str, operation: str) -> Any:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).input_shape


def _botocore_report(service: str, operation: str, params: dict[str, Any]) -> str:
    report = ParamValidator().validate(params, _input_shape(service, operation))
    return report.generate_report() if report.has_errors() else ""


def test_load_schedules_reads_the_repository_file(schedules: Schedules) -> None:
    assert schedules.timezone == "Asia/Manila"
    nightly = {p.env for p in schedules.pipelines if p.enabled and "nightly" in p.name}
    assert nightly == {"dev", "staging", "prod"}
    assert len({p.name for p in schedules.pipelines}) == len(schedules.pipelines)
    assert set(schedules.targets) == {"dev", "staging", "prod"}


@pytest.mark.parametrize(("case", "edit", "message"), LOAD_ERRORS, ids=[c[0] for c in LOAD_ERRORS])
def test_load_schedules_rejects_in_one_line(
    tmp_path: Path, case: str, edit: tuple[str, str], message: str
) -> None:
    for env_file in (REPO / "conf").glob("*.yaml"):  # other envs' buckets live there
        shutil.copy(env_file, tmp_path)
    path = tmp_path / "pipelines.yaml"
    assert edit[0] in VALID, case
    path.write_text(VALID.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_schedules(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:") and message in text
    assert "\n" not in text


def test_load_schedules_accepts_the_minimal_file(tmp_path: Path) -> None:
    path = tmp_path / "pipelines.yaml"
    path.write_text(VALID, encoding="utf-8")
    (pipeline,) = load_schedules(path).pipelines
    assert (pipeline.name, pipeline.env, pipeline.cron, pipeline.enabled, pipeline.args) == (
        "p_dev", "dev", "0 2 * * *", True, ()
    )  # fmt: skip


def test_add_steps_request_is_valid_for_botocore(schedules: Schedules) -> None:
    for pipeline in schedules.for_env(None):
        target = schedules.targets[pipeline.env].emr
        assert target is not None
        request = emr.add_steps_request(pipeline, target)
        assert _botocore_report("emr", "AddJobFlowSteps", request) == ""
        (step,) = request["Steps"]
        args = step["HadoopJarStep"]["Args"]
        assert step["HadoopJarStep"]["Jar"] == "command-runner.jar"
        assert step["ActionOnFailure"] in ("CONTINUE", "CANCEL_AND_WAIT")
        assert args[:3] == ["spark-submit", "--deploy-mode", "cluster"]
        job = args.index(f"{target.artifacts}jobs/run_pipeline.py")
        assert args[job + 1 :] == [
            "--env", pipeline.env, "--set", "spark.jars=none",
            "--set", f"pipeline_name={pipeline.name}", *pipeline.args,
        ]  # fmt: skip


def test_schedule_request_is_valid_for_botocore_and_sends_the_steps(schedules: Schedules) -> None:
    for pipeline in schedules.for_env(None):
        target = schedules.targets[pipeline.env].emr
        assert target is not None
        request = emr.schedule_request(pipeline, target, schedules.timezone)
        assert _botocore_report("scheduler", "CreateSchedule", request) == ""
        assert request["ScheduleExpression"] == to_eventbridge(pipeline.cron)
        assert request["ScheduleExpressionTimezone"] == "Asia/Manila"
        assert request["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert request["State"] == ("ENABLED" if pipeline.enabled else "DISABLED")
        assert request["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:emr:addJobFlowSteps"
        sent = json.loads(request["Target"]["Input"])
        assert sent == emr.add_steps_request(pipeline, target)


BROKEN_STEPS = [
    (
        "no jar",
        lambda r: r["Steps"][0]["HadoopJarStep"].pop("Jar"),
        'Missing required parameter in Steps[0].HadoopJarStep: "Jar"',
    ),
    (
        "unknown key",
        lambda r: r["Steps"][0].update(Retries=2),
        'Unknown parameter in Steps[0]: "Retries"',
    ),
    ("wrong type", lambda r: r.update(JobFlowId=7), "Invalid type for parameter JobFlowId"),
    (
        "bad enum",
        lambda r: r["Steps"][0].update(ActionOnFailure="RETRY"),
        "AddJobFlowSteps.Steps[0].ActionOnFailure: 'RETRY' is not one of",
    ),
]


@pytest.mark.parametrize(
    ("case", "breaks", "message"), BROKEN_STEPS, ids=[c[0] for c in BROKEN_STEPS]
)
def test_validate_rejects_a_broken_add_steps_request(
    schedules: Schedules, case: str, breaks: Any, message: str
) -> None:
    pipeline = schedules.pipelines[0]
    target = schedules.targets[pipeline.env].emr
    assert target is not None
    request = copy.deepcopy(emr.add_steps_request(pipeline, target))
    breaks(request)
    with pytest.raises(emr.DefinitionError) as caught:
        emr.validate("emr", "AddJobFlowSteps", request)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_validate_rejects_a_broken_schedule_request(schedules: Schedules) -> None:
    pipeline = schedules.pipelines[0]
    target = schedules.targets[pipeline.env].emr
    assert target is not None
    request = copy.deepcopy(emr.schedule_request(pipeline, target, schedules.timezone))
    del request["FlexibleTimeWindow"]
    request["Target"]["RoleArn"] = "arn:aws:iam::1:user/nobody"
    with pytest.raises(emr.DefinitionError) as caught:
        emr.validate("scheduler", "CreateSchedule", request)
    assert 'Missing required parameter in input: "FlexibleTimeWindow"' in str(caught.value)
    assert "CreateSchedule.Target.RoleArn: 'arn:aws:iam::1:user/nobody' does not match" in str(
        caught.value
    )


def test_job_request_round_trips_through_the_databricks_sdk(schedules: Schedules) -> None:
    for pipeline in schedules.for_env(None):
        target = schedules.targets[pipeline.env].databricks
        assert target is not None
        request = databricks.job_request(pipeline, target, schedules.timezone)
        assert JobSettings.from_dict(request).as_dict() == request
        assert request["max_concurrent_runs"] == 1
        assert request["schedule"] == {
            "quartz_cron_expression": to_quartz(pipeline.cron),
            "timezone_id": "Asia/Manila",
            "pause_status": "UNPAUSED" if pipeline.enabled else "PAUSED",
        }
        (task,) = request["tasks"]
        assert task["spark_python_task"]["python_file"] == f"{target.artifacts}jobs/run_pipeline.py"
        assert task["spark_python_task"]["parameters"][:4] == [
            "--env", pipeline.env, "--set", "spark.jars=none",
        ]  # fmt: skip
        assert [set(lib) for lib in task["libraries"]] == [{"whl"}]


MISSPELLED = [
    ("top level", lambda r: r.update(max_concurent_runs=1)),
    ("task", lambda r: r["tasks"][0]["spark_python_task"].update(paramters=["--env"])),
    ("cluster", lambda r: r["job_clusters"][0]["new_cluster"].update(spark_env_var={})),
    ("enum value", lambda r: r["schedule"].update(pause_status="PAUSE")),
]


@pytest.mark.parametrize(("case", "breaks"), MISSPELLED, ids=[c[0] for c in MISSPELLED])
def test_databricks_sdk_round_trip_catches_a_misspelled_key(
    schedules: Schedules, case: str, breaks: Any
) -> None:
    pipeline = schedules.pipelines[0]
    target = schedules.targets[pipeline.env].databricks
    assert target is not None
    request = copy.deepcopy(databricks.job_request(pipeline, target, schedules.timezone))
    breaks(request)
    assert JobSettings.from_dict(request).as_dict() != request


def test_cli_writes_one_file_per_definition(
    rendered: dict[str, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--pipelines", str(PIPELINES), "--out", str(tmp_path)])

    printed = capsys.readouterr().out.splitlines()
    on_disk = sorted(str(p) for p in tmp_path.rglob("*.json"))
    assert code == 0
    assert sorted(printed) == on_disk == sorted(str(tmp_path / name) for name in rendered)
    for name, body in rendered.items():
        assert json.loads((tmp_path / name).read_text(encoding="utf-8")) == body
    names = {p.name for p in (tmp_path / "emr").iterdir()}
    assert "scout_retail_prod_nightly.steps.json" in names
    assert "scout_retail_prod_nightly.schedule.json" in names
    assert (tmp_path / "databricks" / "scout_retail_prod_nightly.job.json").is_file()


def test_cli_renders_one_env(
    schedules: Schedules, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--pipelines", str(PIPELINES), "--env", "prod", "--out", str(tmp_path)])

    written = capsys.readouterr().out.splitlines()
    assert code == 0
    assert sorted(written) == sorted(str(tmp_path / name) for name in cli.render(schedules, "prod"))
    prod_names = {p.name for p in schedules.for_env("prod")}
    assert {Path(w).name.split(".")[0] for w in written} == prod_names
    assert len(written) == 3 * len(prod_names)


def test_cli_exits_2_with_one_line_on_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "pipelines.yaml"
    bad.write_text(VALID.replace("env: dev", "env: qa"), encoding="utf-8")

    code = cli.main(["--pipelines", str(bad), "--out", str(tmp_path / "out")])

    err = capsys.readouterr().err
    assert code == 2
    assert (
        err
        == f"scout-schedules: error: {bad}: key 'pipelines[0].env' must be one of local, dev, staging, prod\n"
    )
    assert not (tmp_path / "out").exists()


def test_render_script_runs_outside_the_package(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "render_schedules.py"), "--env", "dev",
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(str(p) for p in tmp_path.rglob("*.json"))


def test_rendered_files_name_no_jars_and_set_spark_jars_none(
    rendered: dict[str, dict[str, Any]],
) -> None:
    for name, body in rendered.items():
        text = json.dumps(body)
        assert not MAVEN_COORDINATE.search(text.replace("arn:aws", "")), name
        assert not any(coordinate in text for coordinate in JAR_COORDINATES), name
        without_runner = text.replace("command-runner.jar", "")
        for word in ("--packages", "--jars", "spark.jars.packages", "maven"):
            assert word not in without_runner, (name, word)
        assert not re.search(r"\.jar\b", without_runner), name
        assert "spark.jars=none" in text, name


@pytest.mark.parametrize(
    "payload",
    [
        {"Args": ["spark-submit", "--packages", "x"]},
        {"parameters": ["--conf", "spark.jars.packages=io.delta:delta-spark_2.13:3.2.0"]},
        {"libraries": [{"maven": {"coordinates": "org.postgresql:postgresql:42.7.8"}}]},
        {"Input": json.dumps({"Args": ["io.delta:delta-spark_2.13:3.2.0"]})},
    ],
)
def test_check_no_jar_coordinates_rejects_jar_downloads(payload: dict[str, Any]) -> None:
    with pytest.raises(JarCoordinatesError):
        check_no_jar_coordinates(payload, "x")


def test_check_no_jar_coordinates_accepts_arns_and_paths() -> None:
    check_no_jar_coordinates(
        {
            "Arn": "arn:aws:scheduler:::aws-sdk:emr:addJobFlowSteps",
            "RoleArn": "arn:aws:iam::111111111111:role/x",
            "Jar": "command-runner.jar",
            "whl": "/Workspace/Shared/x/dist/scout_lakehouse-0.1.0-py3-none-any.whl",
        },
        "x",
    )


def test_rendered_arguments_are_accepted_by_run_pipeline(
    schedules: Schedules, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scout_spark.cli import pipeline as run_pipeline
    from scout_spark.errors import ScoutError

    seen = []

    def stop_before_spark(config: Any) -> None:
        seen.append(config)
        raise ScoutError("stop: no Spark in this test")

    monkeypatch.setattr(run_pipeline, "build_spark_session", stop_before_spark)
    for pipeline in schedules.for_env(None):
        target = schedules.targets[pipeline.env].databricks
        assert target is not None
        request = databricks.job_request(pipeline, target, schedules.timezone)
        run_pipeline.main(request["tasks"][0]["spark_python_task"]["parameters"])
        config = seen.pop()
        assert (config.env, config.spark.jars, config.pipeline_name) == (
            pipeline.env, "none", pipeline.name
        )  # fmt: skip
