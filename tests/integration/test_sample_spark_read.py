"""Spark reads every generated format with the contract schema and sees the same rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_lab.sample import FAULTS, SampleConfig, generate
from scout_lab.sample.config import parse_formats
from scout_spark.schemas import SCHEMAS

SMALL = {"seed": 5, "days": 1, "transactions_per_day": 60, "stores": 6, "customers": 40}
DATASETS = ("transactions", "items", "customers", "stores")
TEXT_OPTIONS = {"header": "true", "timeZone": "Asia/Manila", "mode": "PERMISSIVE"}
# Only an unquoted empty CSV field is null; a quoted "" stays an empty string.
CSV_OPTIONS = {**TEXT_OPTIONS, "nullValue": "\u0000"}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """The same seed written once per format."""
    out = {}
    for fmt in ("parquet", "csv", "jsonl", "avro", "delta"):
        root = tmp_path_factory.mktemp(fmt)
        out[fmt] = (
            root,
            generate(SampleConfig(dest=str(root), formats=parse_formats(fmt), **SMALL)),
        )
    return out


def _paths(root: Path | str, manifest: dict, dataset: str, **where: Any) -> list[str]:
    return [
        f"{root}/{e['path']}"
        for e in manifest["files"]
        if e["dataset"] == dataset
        and e["kind"] in ("daily", "snapshot")
        and all(e.get(k) == v for k, v in where.items())
    ]


def read_dataset(
    spark: SparkSession, fmt: str, paths: list[str], schema: T.StructType
) -> DataFrame:
    """Read files of one dataset the way bronze would, with an explicit schema."""
    if fmt == "delta":
        frames = [spark.read.format("delta").load(p) for p in paths]
        df = frames[0]
        for other in frames[1:]:
            df = df.unionByName(other)
        return df
    reader = spark.read.schema(schema)
    if fmt == "csv":
        return reader.options(**CSV_OPTIONS).csv(paths)
    if fmt == "jsonl":
        return reader.options(**TEXT_OPTIONS).json(paths)
    return reader.format(fmt).load(paths)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "avro", "delta"])
@pytest.mark.parametrize("dataset", DATASETS)
def test_spark_reads_format_like_parquet(
    spark: SparkSession, landing: dict, fmt: str, dataset: str
) -> None:
    schema = SCHEMAS[dataset]
    ref_root, ref_manifest = landing["parquet"]
    root, manifest = landing[fmt]
    expected_df = read_dataset(spark, "parquet", _paths(ref_root, ref_manifest, dataset), schema)
    actual_df = read_dataset(spark, fmt, _paths(root, manifest, dataset), schema)
    assert [(f.name, f.dataType) for f in actual_df.schema] == [
        (f.name, f.dataType) for f in schema
    ]
    assert actual_df.count() == manifest["rows"][dataset] == ref_manifest["rows"][dataset] > 0
    assert_df_equality(actual_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_spark_sees_items_summing_to_totals(spark: SparkSession, landing: dict) -> None:
    root, manifest = landing["csv"]
    tx_df = read_dataset(
        spark, "csv", _paths(root, manifest, "transactions"), SCHEMAS["transactions"]
    )
    items_df = read_dataset(spark, "csv", _paths(root, manifest, "items"), SCHEMAS["items"])
    sums_df = items_df.groupBy("transaction_id").agg(F.sum("line_amount").alias("items_total"))
    mismatched_df = tx_df.join(sums_df, on="transaction_id", how="left").where(
        F.col("items_total").isNull() | (F.col("items_total") != F.col("total_amount"))
    )
    assert mismatched_df.count() == 0
    assert tx_df.where(F.col("timestamp").isNull()).count() == 0


@pytest.mark.parametrize("fmt,fault", [("csv", "csv_field_count"), ("jsonl", "bad_json_line")])
def test_spark_flags_each_broken_line_as_corrupt(
    spark: SparkSession, tmp_path: Path, fmt: str, fault: str
) -> None:
    options = {**SMALL, "transactions_per_day": 200, "fault_count": 4}
    config = SampleConfig(
        dest=str(tmp_path), formats=parse_formats(fmt), faults=frozenset(FAULTS), **options
    )
    manifest = generate(config)
    schema = T.StructType(
        [*SCHEMAS["transactions"], T.StructField("_corrupt_record", T.StringType())]
    )
    paths = _paths(tmp_path, manifest, "transactions", ingest=True)
    df = read_dataset(spark, fmt, [p for p in paths if "corrupt" not in p], schema).cache()
    corrupt_df = df.where(F.col("_corrupt_record").isNotNull())
    broken_ids = set(manifest["faults"][fault]["ids"])
    flagged = {r["_corrupt_record"] for r in corrupt_df.collect()}
    assert len(broken_ids) == manifest["faults"][fault]["count"] == 4
    assert {i for i in broken_ids if any(i in line for line in flagged)} == broken_ids
    assert df.count() == sum(
        e["rows"] for e in manifest["files"] if f"{tmp_path}/{e['path']}" in paths
    )


@pytest.mark.s3
def test_spark_reads_sample_written_to_s3(
    spark: SparkSession,
    s3_bucket: str,
    services_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        monkeypatch.setenv(key, services_env[key])
    dest = f"s3://{s3_bucket}/samples"
    config = SampleConfig(
        dest=dest,
        layout="hive",
        s3_endpoint=services_env["SCOUT_S3_ENDPOINT"],
        **{**SMALL, "days": 2},
    )
    manifest = generate(config)
    df = spark.read.schema(SCHEMAS["transactions"]).parquet(
        f"s3a://{s3_bucket}/samples/transactions"
    )
    assert df.count() == manifest["rows"]["transactions"] == 120
