"""Every publish refreshes etl_monitoring, data_lake_registry and etl_pipelines."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from publish_lake import DAYS, pg, published_versions
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.config.loader import DEFAULT_CONF_DIR
from scout_spark.context import RunIdentity
from scout_spark.records import ledger
from scout_spark.results import StageResult, TableVersions
from scout_spark.schemas import bronze_schema

pytestmark = pytest.mark.postgres
REFRESHED = {
    "data_lake_registry": "table_name",
    "etl_pipelines": "pipeline_name",
    "etl_monitoring": "run_id, stage",
}


def _rows_with_xmin(config: Config, table: str) -> dict[tuple, str]:
    return {
        tuple(r[:-1]): r[-1]
        for r in pg(config, f"SELECT {REFRESHED[table]}, xmin::text FROM {table}")
    }


def test_publish_refreshes_the_monitoring_tables(
    spark: SparkSession, case: Config, run_stage
) -> None:
    who = RunIdentity("gold-run-1", "pipeline-1", "gold", datetime.now(UTC))
    ledger.record(spark, case, who, "running")
    gold = StageResult(
        records_read=10,
        records_written=8,
        data_quality_score=0.95,
        tables={
            "gold/transactions": TableVersions(None, 0),
            "gold/payment_mix": TableVersions(None, 0),
        },
    )
    ledger.record(spark, case, who, "succeeded", gold)

    result = run_stage(case, "publish")

    monitoring = pg(
        case,
        "SELECT run_id, stage, status, records_processed, records_read, records_written, lake_version "
        "FROM etl_monitoring ORDER BY stage",
    )
    versions = published_versions(case)
    own_run = monitoring[1][0]
    assert monitoring == [
        ("gold-run-1", "gold", "succeeded", 8, 10, 8, 0),
        (
            own_run,
            "publish",
            "succeeded",
            result.records_written,
            result.records_read,
            result.records_written,
            max(versions.values()),
        ),
    ]
    registry = pg(
        case,
        "SELECT table_name, layer, location, delta_version, record_count, data_quality_score FROM data_lake_registry ORDER BY 1",
    )
    assert [r[0] for r in registry] == sorted(versions)
    by_name = {r[0]: r[1:] for r in registry}
    path = case.lake_path("gold", "transactions")
    assert by_name["gold/transactions"] == (
        "gold",
        path,
        versions["gold/transactions"],
        2 * len(DAYS),
        0.95,
    )
    assert by_name["platinum/customer_features"][-2:] == (3, None)
    assert pg(case, "SELECT count(*) FROM data_lake_registry WHERE last_updated IS NULL") == [(0,)]
    assert pg(
        case,
        "SELECT pipeline_name, env, source_path_pattern, schedule_cron, enabled FROM etl_pipelines",
    ) == [
        (
            case.pipeline_name,
            case.env,
            case.source.datasets.transactions.patterns[0],
            "0 2 * * *",
            True,
        )
    ]
    before = {table: _rows_with_xmin(case, table) for table in REFRESHED}

    again = run_stage(case, "publish")

    after = {table: _rows_with_xmin(case, table) for table in REFRESHED}
    assert again.status == "skipped"
    assert after["data_lake_registry"] == before["data_lake_registry"]
    assert after["etl_pipelines"] == before["etl_pipelines"]
    new_rows = set(after["etl_monitoring"].items()) - set(before["etl_monitoring"].items())
    assert [key[1] for key, _ in new_rows] == ["publish"]  # only the skipped publish's own row


PIPELINES_V1 = """
timezone: Asia/Manila
targets:
  dev:
    emr:
      artifacts: s3://scout-sample-data/artifacts/scout-lakehouse/
      cluster_id: j-TESTDEV
      scheduler_role_arn: arn:aws:iam::111111111111:role/test-scheduler
pipelines:
  - {name: local_nightly, env: local, source_path_pattern: "transactions/dt={date}/*.parquet", cron: "30 2 * * *", enabled: true}
  - {name: local_hourly, env: local, source_path_pattern: "incremental/hour={date}-{hour}/*", cron: "15 * * * *", enabled: false}
  - {name: dev_nightly, env: dev, source_path_pattern: "transactions/{yyyy}/{mm}/{dd}/*", cron: "0 4 * * *", enabled: true}
"""


def _pipelines(config: Config) -> list[tuple]:
    return pg(
        config,
        "SELECT pipeline_name, env, source_path_pattern, schedule_cron, enabled "
        "FROM etl_pipelines ORDER BY 1",
    )


def test_publish_writes_the_pipelines_file_rows_of_its_env(
    spark: SparkSession, case: Config, run_stage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(DEFAULT_CONF_DIR, conf)
    (conf / "pipelines.yaml").write_text(PIPELINES_V1, encoding="utf-8")
    monkeypatch.setenv("SCOUT_CONF_DIR", str(conf))
    own_pattern = case.source.datasets.transactions.patterns[0]

    run_stage(case, "publish")

    assert _pipelines(case) == [
        ("local_hourly", "local", "incremental/hour={date}-{hour}/*", "15 * * * *", False),
        ("local_nightly", "local", "transactions/dt={date}/*.parquet", "30 2 * * *", True),
        (case.pipeline_name, "local", own_pattern, "0 2 * * *", True),
    ]
    before = _rows_with_xmin(case, "etl_pipelines")
    v2 = PIPELINES_V1.replace(
        'cron: "15 * * * *", enabled: false', 'cron: "*/20 6-22 * * *", enabled: true'
    )
    v2 += (
        f"  - {{name: {case.pipeline_name}, env: local, source_path_pattern: own/*, "
        'cron: "45 1 * * *", enabled: false}\n'
    )
    (conf / "pipelines.yaml").write_text(v2, encoding="utf-8")

    again = run_stage(case, "publish")

    assert again.status == "skipped"  # nothing new to publish, the pipelines are refreshed anyway
    assert _pipelines(case) == [
        ("local_hourly", "local", "incremental/hour={date}-{hour}/*", "*/20 6-22 * * *", True),
        ("local_nightly", "local", "transactions/dt={date}/*.parquet", "30 2 * * *", True),
        (case.pipeline_name, "local", "own/*", "45 1 * * *", False),
    ]
    after = _rows_with_xmin(case, "etl_pipelines")
    assert after[("local_nightly",)] == before[("local_nightly",)]  # unchanged row untouched
    assert after[("local_hourly",)] != before[("local_hourly",)]


def test_publish_registers_bronze_with_its_share_of_parsed_rows(
    spark: SparkSession, case: Config, run_stage
) -> None:
    schema = bronze_schema("transactions")
    now = datetime.now(UTC)
    parsed = {
        "transaction_id": "T1", "_source_file": "f.csv", "_source_format": "csv",
        "_source_size": 10, "_source_modified_at": now, "_source_row": 0, "_ingested_at": now,
        "_ingest_date": now.date(), "_run_id": "bronze-run-1",
    }  # fmt: skip
    rows = [{**parsed, "_source_row": n} for n in range(3)] + [
        {**parsed, "transaction_id": None, "_parse_error": "too many fields", "_source_row": 3}
    ]
    path = case.lake_path("bronze", "transactions")
    spark.createDataFrame(
        [tuple(r.get(f.name) for f in schema.fields) for r in rows], schema
    ).write.format("delta").save(path)
    who = RunIdentity("bronze-run-1", "pipeline-1", "bronze", datetime.now(UTC))
    ledger.record(spark, case, who, "running")
    bronze = StageResult(records_read=4, records_written=4,
                         tables={"bronze/transactions": TableVersions(None, 0)})  # fmt: skip
    ledger.record(spark, case, who, "succeeded", bronze)

    run_stage(case, "publish")

    assert pg(
        case,
        "SELECT layer, location, delta_version, record_count, data_quality_score "
        "FROM data_lake_registry WHERE table_name = 'bronze/transactions'",
    ) == [("bronze", path, 0, 4, 0.75)]
    layers = pg(
        case, "SELECT DISTINCT layer FROM data_lake_registry WHERE data_quality_score IS NULL"
    )
    assert ("bronze",) not in layers
