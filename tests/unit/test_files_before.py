"""`any_file_before`, which tells maintain whether VACUUM could delete anything (the
DataFrame API only: tests/e2e/test_connect.py runs it over Connect in maintain)."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from scout_spark.ops.maintain import has_old_files
from scout_spark.runtime.file_ages import any_file_before

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=10)


def _file(folder: Path, name: str, modified: datetime = NOW) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    os.utime(path, (modified.timestamp(), modified.timestamp()))
    return path


def test_fresh_files_and_old_hidden_ones_are_not_before(
    spark: SparkSession, tmp_path: Path
) -> None:
    table = tmp_path / "t"
    _file(table, "sales_date=2026-01-01/part-0.parquet")
    _file(table, "deletion_vector_1.bin")
    _file(table, "_delta_log/00000000000000000000.json", OLD)  # the log is never vacuumed
    _file(table, ".part-0.parquet.crc", OLD)

    assert not any_file_before(
        spark, table.as_uri(), NOW - timedelta(hours=1), also=("_change_data",)
    )
    assert not any_file_before(spark, (tmp_path / "missing").as_uri(), NOW)


@pytest.mark.parametrize(
    "old", ["part-9.parquet", "sales_date=2026-01-01/part-1.parquet", "deletion_vector_2.bin"]
)
def test_an_old_file_below_the_folder_is_found(
    spark: SparkSession, tmp_path: Path, old: str
) -> None:
    table = tmp_path / "t"
    _file(table, "part-0.parquet")
    _file(table, old, OLD)

    assert any_file_before(spark, table.as_uri(), NOW - timedelta(days=7))
    assert not any_file_before(spark, table.as_uri(), OLD - timedelta(minutes=1))


def test_change_feed_files_count_through_their_own_folder(
    spark: SparkSession, tmp_path: Path
) -> None:
    table = tmp_path / "t"
    _file(table, "part-0.parquet")
    _file(table, "_change_data/cdc-0.parquet", OLD)

    assert not any_file_before(spark, table.as_uri(), NOW - timedelta(days=7))
    assert any_file_before(spark, table.as_uri(), NOW - timedelta(days=7), also=("_change_data",))
    assert has_old_files(spark, table.as_uri(), hours=168)
    assert not has_old_files(spark, table.as_uri(), hours=24 * 11)


def test_a_file_just_inside_the_retention_counts_as_old(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Clock skew between this process and the driver never skips a VACUUM: a file up to an
    hour inside the retention counts as old."""
    table = tmp_path / "t"
    _file(table, "part-0.parquet", NOW - timedelta(hours=167, minutes=30))

    assert has_old_files(spark, table.as_uri(), hours=168, now=NOW)
    assert not has_old_files(spark, table.as_uri(), hours=170, now=NOW)


def test_a_folder_named_like_a_glob_means_itself(spark: SparkSession, tmp_path: Path) -> None:
    _file(tmp_path / "t[1]", "part-0.parquet", OLD)
    _file(tmp_path / "t1", "part-0.parquet")

    assert not any_file_before(spark, (tmp_path / "t1").as_uri(), NOW - timedelta(days=7))
    assert any_file_before(spark, f"file://{tmp_path}/t[1]", NOW - timedelta(days=7))
