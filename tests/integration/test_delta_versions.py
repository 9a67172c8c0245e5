"""A table's latest version from the driver's Delta log agrees with DESCRIBE HISTORY (the
Connect path), on the local filesystem and on S3; a commit's history row by version."""

from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from scout_spark.lake.delta_sql import commit_row, history_version, latest_version, merge


def _place(where: str, tmp_path: Path, bucket: str) -> str:
    return {"local": (tmp_path / "t").as_uri(), "s3": f"s3a://{bucket}/lake/t"}[where]


@pytest.mark.parametrize("where", ["local", "s3"])
def test_latest_version_follows_each_commit_as_describe_history_does(
    spark: SparkSession, tmp_path: Path, s3_bucket: str, where: str
) -> None:
    path = _place(where, tmp_path, s3_bucket)
    seen = [(latest_version(spark, path), history_version(spark, path))]
    spark.range(3).write.format("delta").save(path)
    spark.range(3, 5).write.format("delta").mode("append").save(path)
    seen.append((latest_version(spark, path), history_version(spark, path)))
    upsert = dict(update_condition=None, insert=True, delete_condition=None,
                  insert_condition=None, columns=None)  # fmt: skip
    merge(spark, path, spark.range(4, 7), "t.id = s.id", **upsert)
    seen.append((latest_version(spark, path), history_version(spark, path)))
    assert seen == [(None, None), (1, 1), (2, 2)]
    assert spark.read.format("delta").load(path).count() == 7


def test_a_folder_of_plain_parquet_has_no_version(spark: SparkSession, tmp_path: Path) -> None:
    path = (tmp_path / "plain").as_uri()
    spark.range(3).write.parquet(path)
    assert (latest_version(spark, path), history_version(spark, path)) == (None, None)


def test_commit_row_finds_the_latest_commit_and_an_older_one(
    spark: SparkSession, tmp_path: Path
) -> None:
    path = (tmp_path / "t").as_uri()
    spark.range(3).write.format("delta").save(path)
    spark.range(3, 5).write.format("delta").mode("append").save(path)
    latest, first, missing = (commit_row(spark, path, v) for v in (1, 0, 7))
    assert latest is not None and first is not None and missing is None
    assert (latest["version"], latest["operationMetrics"]["numOutputRows"]) == (1, "2")
    assert (first["version"], first["operationMetrics"]["numOutputRows"]) == (0, "3")
