"""Bronze over generated landings: every layout and format, bad files, gates, reruns."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.cli import main as generate
from scout_spark.config import Config
from scout_spark.lake.lock import TableLock, TableLockedError
from scout_spark.lake.writes import table_version
from scout_spark.schemas import SCHEMAS

SMALL = ["--days", "2", "--transactions-per-day", "25", "--stores", "4", "--customers", "20"]


def _land(config: Config, *options: str) -> dict:
    landing = config.source.root.removeprefix("file://")
    assert generate(["--dest", landing, *SMALL, *options]) == 0
    return json.loads((Path(landing) / "_manifest.json").read_text())


def _bronze(spark: SparkSession, config: Config, dataset: str):  # type: ignore[no-untyped-def]
    return spark.read.format("delta").load(config.lake_path("bronze", dataset))


def _rows_by_file(spark: SparkSession, config: Config, dataset: str) -> Counter:
    rows = _bronze(spark, config, dataset).groupBy("_source_file").count().collect()
    root = config.source.root.removeprefix("file://")
    return Counter({r[0].removeprefix("file:").removeprefix(root): r[1] for r in rows})


def _expected_by_file(manifest: dict, dataset: str) -> Counter:
    return Counter(
        {
            f["path"]: f["rows"]
            for f in manifest["files"]
            if f["dataset"] == dataset and f["ingest"] and f["rows"] > 0
        }
    )


@pytest.mark.parametrize(
    ("layout", "formats"),
    [
        ("hive", "transactions=parquet,items=parquet,customers=parquet,stores=parquet"),
        ("date_folders", "transactions=csv,items=jsonl,customers=avro,stores=delta"),
        ("hive", "transactions=avro,items=csv,customers=jsonl,stores=csv"),
        ("date_folders", "transactions=jsonl,items=delta,customers=csv,stores=avro"),
    ],
)
def test_bronze_ingests_each_layout_and_format_exactly(
    spark: SparkSession, lake_config, run_stage, layout: str, formats: str
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    manifest = _land(config, "--layout", layout, "--format", formats, "--faults", "none")
    result = run_stage(config, "bronze")
    assert result.status == "succeeded"
    for dataset in SCHEMAS:
        assert _rows_by_file(spark, config, dataset) == _expected_by_file(manifest, dataset)
        assert result.parts[dataset].records_written == manifest["rows"][dataset]
    tx_df = _bronze(spark, config, "transactions")
    assert tx_df.where(F.col("_parse_error").isNotNull()).count() == 0
    # Values are kept as delivered text; ids are unique per file row position.
    ids = {r[0] for r in tx_df.select("transaction_id").collect()}
    assert len(ids) == manifest["rows"]["transactions"]
    positions = tx_df.groupBy("_source_file").agg(
        F.min("_source_row").alias("first"),
        F.max("_source_row").alias("last"),
        F.count("*").alias("n"),
    )
    assert positions.where("first != 0 or last != n - 1").count() == 0


def test_bronze_bad_input_is_rejected_or_kept_raw_never_lost(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    faults = "csv_field_count,bad_json_line,non_utf8,zero_byte_file,odd_file_name,schema_drift"
    manifest = _land(
        config, "--layout", "hive", "--format", "transactions=csv,items=jsonl", "--faults", faults
    )
    result = run_stage(config, "bronze")
    tx = result.parts["transactions"]
    rejected = {
        r["file_path"].rsplit("/", 3)[-2] + "/" + r["file_path"].rsplit("/", 1)[-1]: r["reason"]
        for r in spark.read.format("delta")
        .load(config.lake_path("bronze", "transactions_rejected_files"))
        .collect()
    }
    zero = manifest["faults"]["zero_byte_file"]["files"][0]
    assert rejected == {"/".join(zero.split("/")[-2:]): "zero-byte file"}
    assert tx.metrics["files_rejected"] == "1"
    for dataset in ("transactions", "items"):
        assert _rows_by_file(spark, config, dataset) == _expected_by_file(manifest, dataset)
    errors = Counter(
        r[0]
        for ds in ("transactions", "items")
        for r in _bronze(spark, config, ds)
        .where("_parse_error is not null")
        .select("_parse_error")
        .collect()
    )
    expected_bad = (
        manifest["faults"]["csv_field_count"]["count"]
        + manifest["faults"]["bad_json_line"]["count"]
    )
    assert sum(v for k, v in errors.items() if "UTF-8" not in k) == expected_bad
    assert any("UTF-8" in k for k in errors)
    bad_rows = _bronze(spark, config, "items").where(
        F.col("_parse_error") == "line is not valid JSON"
    )
    assert bad_rows.where("_raw_record is null or transaction_id is not null").count() == 0
    drift = set(_bronze(spark, config, "transactions").columns) - {
        *(f.name for f in SCHEMAS["transactions"].fields)
    }
    assert any(not c.startswith("_") for c in drift), drift


def test_bronze_waits_for_success_marker_then_ingests(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    manifest = _land(config, "--layout", "hive", "--faults", "missing_success")
    first = run_stage(config, "bronze", dataset="transactions")
    assert first.metrics == {} and first.parts["transactions"].metrics["partitions_waiting"] == "1"
    waiting_day = manifest["faults"]["missing_success"]["date"][0]
    ingested = _rows_by_file(spark, config, "transactions")
    assert not any(f"dt={waiting_day}" in path for path in ingested)

    landing = Path(config.source.root.removeprefix("file://"))
    (landing / "transactions" / f"dt={waiting_day}" / "_SUCCESS").touch()
    second = run_stage(config, "bronze", dataset="transactions")
    assert second.parts["transactions"].metrics["files_new"] == "1"
    assert _rows_by_file(spark, config, "transactions") == _expected_by_file(
        manifest, "transactions"
    ) + Counter({p: r for p, r in _waiting_files(manifest, waiting_day).items()})


def _waiting_files(manifest: dict, day: str) -> dict[str, int]:
    return {
        f["path"]: f["rows"]
        for f in manifest["files"]
        if f["dataset"] == "transactions"
        and f["date"] == day
        and f["kind"] == "daily"
        and not f["ingest"]
    }


def test_bronze_rerun_is_a_no_op_and_reupload_is_ingested_again(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    manifest = _land(
        config, "--layout", "date_folders", "--format", "transactions=csv", "--faults", "none"
    )
    run_stage(config, "bronze")
    path = config.lake_path("bronze", "transactions")
    version = table_version(spark, path)

    again = run_stage(config, "bronze")
    assert again.status == "skipped"
    assert table_version(spark, path) == version

    first_file = next(f for f in manifest["files"] if f["dataset"] == "transactions" and f["rows"])
    local = Path(config.source.root.removeprefix("file://")) / first_file["path"]
    lines = local.read_text(encoding="utf-8").splitlines(keepends=True)
    local.write_text("".join(lines[:-1]), encoding="utf-8")  # corrected re-upload: one row less
    os.utime(local, (local.stat().st_atime, local.stat().st_mtime + 60))
    third = run_stage(config, "bronze", dataset="transactions")
    assert third.parts["transactions"].metrics["files_new"] == "1"
    by_file = _rows_by_file(spark, config, "transactions")
    assert by_file[first_file["path"]] == 2 * first_file["rows"] - 1


def test_bronze_hourly_then_daily_keeps_both_deliveries(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    manifest = _land(
        config, "--layout", "hive", "--with-incremental", "--faults", "hourly_then_daily"
    )
    run_stage(config, "bronze", dataset="transactions")
    ids = [i for i in manifest["faults"]["hourly_then_daily"]["ids"] if i][:20]
    rows = (
        _bronze(spark, config, "transactions")
        .where(F.col("transaction_id").isin(ids))
        .select("transaction_id", F.col("_source_file").contains("/incremental/").alias("hourly"))
        .collect()
    )
    deliveries = Counter((r[0], r[1]) for r in rows)
    assert all(deliveries[(i, True)] == 1 and deliveries[(i, False)] == 1 for i in ids)


def test_bronze_second_writer_gets_a_clear_message(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config(lock_wait_seconds=1)
    _land(config, "--faults", "none")
    with TableLock(spark, config, "bronze_stores", "other-run"):
        with pytest.raises(
            TableLockedError, match=r"bronze_stores is being written by run other-run"
        ):
            run_stage(config, "bronze", dataset="stores")
    assert run_stage(config, "bronze", dataset="stores").status == "succeeded"


@pytest.mark.s3
def test_bronze_on_s3_through_s3a(
    spark: SparkSession,
    test_config: Config,
    s3,
    s3_bucket: str,
    services_env: dict[str, str],
    run_stage,
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    config = dataclasses.replace(
        test_config,
        source=dataclasses.replace(test_config.source, root=f"s3a://{s3_bucket}/landing/"),
        lake=dataclasses.replace(test_config.lake, root=f"s3a://{s3_bucket}/lake/"),
    )
    options = ["--layout", "hive", "--faults", "missing_success,zero_byte_file,odd_file_name"]
    endpoint = ["--s3-endpoint", services_env["SCOUT_S3_ENDPOINT"]]
    assert generate(["--dest", f"s3://{s3_bucket}/landing", *endpoint, *SMALL, *options]) == 0
    manifest = json.loads(
        s3.get_object(Bucket=s3_bucket, Key="landing/_manifest.json")["Body"].read()
    )

    result = run_stage(config, "bronze")
    assert result.parts["transactions"].metrics["files_rejected"] == "1"
    assert result.parts["transactions"].metrics["partitions_waiting"] == "1"
    rows = _bronze(spark, config, "transactions").groupBy("_source_file").count().collect()
    prefix = f"s3a://{s3_bucket}/landing/"
    assert Counter({r[0].removeprefix(prefix): r[1] for r in rows}) == _expected_by_file(
        manifest, "transactions"
    )
    assert run_stage(config, "bronze").status == "skipped"
