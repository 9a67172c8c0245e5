"""Maintenance: OPTIMIZE compacts and Z-orders without changing rows; VACUUM respects the window."""

import dataclasses
import os
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from chispa import assert_df_equality
from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.errors import ScoutError
from scout_spark.ops.maintain import HISTORY_LOOKBACK, RETENTION_CHECK, VACUUM_LOGGING
from scout_spark.session import temporary_conf


def _small_files_table(spark: SparkSession, config: Config, *name: str) -> str:
    """gold/transactions (or `name`) in 6 appends over 2 sales dates (12 small files)."""
    path = config.lake_path(*(name or ("gold", "transactions")))
    for n in range(6):
        rows_df = spark.range(n * 50, n * 50 + 50).select(
            F.format_string("T%05d", "id").alias("transaction_id"),
            F.format_string("S%02d", F.col("id") % 7).alias("store_id"),
            F.when(F.col("id") % 2 == 0, F.lit("2026-01-01")).otherwise("2026-01-02")
            .cast("date").alias("sales_date"),
        )  # fmt: skip
        rows_df.coalesce(1).write.format("delta").mode("append").partitionBy("sales_date").save(
            path
        )
    return path


def _files(spark: SparkSession, path: str) -> int:
    return int(DeltaTable.forPath(spark, path).detail().first()["numFiles"])


def _with_window(config: Config, hours: int) -> Config:
    layers = {
        name: dataclasses.replace(getattr(config.maintenance, name), vacuum_retention_hours=hours)
        for name in ("bronze", "silver", "gold", "platinum", "ops")
    }
    maintenance = dataclasses.replace(config.maintenance, rollback_window_hours=hours, **layers)
    return dataclasses.replace(config, maintenance=maintenance)


def test_maintain_compacts_zorders_and_keeps_rows(
    spark: SparkSession, lake_config, run_stage
) -> None:
    config = lake_config("optimize")
    path = _small_files_table(spark, config)
    other = _small_files_table(spark, config, "platinum", "monitors")  # another writer's lock
    before_df = spark.read.format("delta").load(path)
    expected = before_df.collect()
    assert _files(spark, path) == 12

    result = run_stage(config, "maintain", skip_vacuum=True)

    assert _files(spark, path) == 2  # one file per sales_date partition
    assert result.metrics["gold/transactions.files_removed"] == "12"
    assert result.metrics["gold/transactions.zorder"] == "store_id"
    assert _files(spark, other) == 2
    assert result.metrics["platinum/monitors.files_removed"] == "12"
    history = DeltaTable.forPath(spark, path).history(1).first()
    assert history["operation"] == "OPTIMIZE"
    assert history["operationParameters"]["zOrderBy"] == '["store_id"]'
    after_df = spark.read.format("delta").load(path)
    assert_df_equality(spark.createDataFrame(expected, before_df.schema), after_df,
                       ignore_row_order=True)  # fmt: skip
    tables = result.tables["gold/transactions"]
    assert (tables.before, tables.after) == (5, 6)

    again = run_stage(config, "maintain", skip_vacuum=True)  # nothing written since

    assert again.metrics["gold/transactions.optimize_skipped"] == (
        "unchanged since its OPTIMIZE, version 6"
    )
    assert "gold/transactions.files_removed" not in again.metrics
    assert (again.tables["gold/transactions"].before, again.tables["gold/transactions"].after) == (
        6, 6
    )  # fmt: skip
    assert "2 unchanged since their last OPTIMIZE" in again.summary


def test_maintain_vacuum_deletes_only_outside_the_window(
    spark: SparkSession, lake_config, run_stage
) -> None:
    config = _with_window(lake_config("vacuum"), 0)
    path = _small_files_table(spark, config)
    run_stage(config, "maintain", skip_vacuum=True)  # the 12 small files are now unreferenced

    dry = run_stage(config, "maintain", skip_optimize=True, dry_run=True)
    assert int(dry.metrics["gold/transactions.would_delete"]) >= 12
    assert spark.read.format("delta").option("versionAsOf", 0).load(path).count() == 50

    done = run_stage(config, "maintain", skip_optimize=True)
    assert int(done.metrics["gold/transactions.files_deleted"]) >= 12
    assert spark.read.format("delta").load(path).count() == 300
    with pytest.raises(Exception, match=r"(?i)file|not found|exist"):
        spark.read.format("delta").option("versionAsOf", 0).load(path).collect()


def test_maintain_refuses_a_retention_shorter_than_the_rollback_window(
    spark: SparkSession, lake_config, run_stage
) -> None:
    config = lake_config("refuse")
    path = _small_files_table(spark, config)
    window = config.maintenance.rollback_window_hours
    with pytest.raises(ScoutError, match=rf"refusing a VACUUM retention of 24h.*{window}h"):
        run_stage(config, "maintain", retention_hours=24)
    assert _files(spark, path) == 12  # refused before touching anything


def test_maintain_vacuums_only_a_table_with_a_file_older_than_its_retention(
    spark: SparkSession, lake_config, run_stage
) -> None:
    """VACUUM deletes only files modified before its cutoff: a table whose files are all
    younger is left without VACUUM's two commits; an old unreferenced file is deleted."""
    config = lake_config("young")
    path = _small_files_table(spark, config)
    run_stage(config, "maintain", skip_vacuum=True)  # 12 unreferenced files, all new
    version = DeltaTable.forPath(spark, path).history(1).first()["version"]

    young = run_stage(config, "maintain", skip_optimize=True)

    assert young.metrics["gold/transactions.vacuum_skipped"] == "no file older than 168h"
    assert "gold/transactions.files_deleted" not in young.metrics
    assert DeltaTable.forPath(spark, path).history(1).first()["version"] == version
    assert "1 with no file older than their retention" in young.summary

    orphan = Path(urlparse(path).path) / "part-orphan-of-a-killed-write.parquet"
    spark.range(3).toPandas().to_parquet(orphan)
    ten_days_ago = time.time() - 10 * 24 * 3600
    os.utime(orphan, (ten_days_ago, ten_days_ago))

    done = run_stage(config, "maintain", skip_optimize=True)

    assert done.metrics["gold/transactions.files_deleted"] == "1"  # the orphan, no tombstone
    assert not orphan.exists()
    assert DeltaTable.forPath(spark, path).history(1).first()["operation"] == "VACUUM END"
    assert spark.read.format("delta").load(path).count() == 300


def test_an_optimize_behind_many_vacuums_is_still_found(
    spark: SparkSession, lake_config, run_stage
) -> None:
    """Each VACUUM adds two commits: ten of them once hid the latest OPTIMIZE from the
    commits maintain read, and it Z-ordered the unchanged table again."""
    config = lake_config("behind")
    path = _small_files_table(spark, config)
    run_stage(config, "maintain", skip_vacuum=True)
    with temporary_conf(spark, {RETENTION_CHECK: "false", VACUUM_LOGGING: "true"}):
        for _ in range(HISTORY_LOOKBACK // 2):
            spark.sql(f"VACUUM delta.`{path}` RETAIN 0 HOURS").collect()
    assert (
        DeltaTable.forPath(spark, path).history(HISTORY_LOOKBACK + 1).collect()[-1]["operation"]
        == "OPTIMIZE"
    )

    again = run_stage(config, "maintain", skip_vacuum=True)

    assert again.metrics["gold/transactions.optimize_skipped"] == (
        "unchanged since its OPTIMIZE, version 6"
    )
