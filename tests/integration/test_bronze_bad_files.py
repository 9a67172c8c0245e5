"""Regressions: one bad or vanished file never fails nor blocks its bronze batch."""

import os
from collections import Counter
from pathlib import Path

import pytest
from bad_files import csv_text, jsonl_text, land, parquet_bytes, tx_rows
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.pipelines import bronze


def _landing(config: Config) -> Path:
    return Path(config.source.root.removeprefix("file://"))


def _rows_by_file(spark: SparkSession, config: Config) -> Counter:
    bronze_df = spark.read.format("delta").load(config.lake_path("bronze", "transactions"))
    return Counter(r[0].rsplit("/", 1)[-1] for r in bronze_df.select("_source_file").collect())


def _rejected(spark: SparkSession, config: Config) -> dict[str, str]:
    path = config.lake_path("bronze", "transactions_rejected_files")
    rows = spark.read.format("delta").load(path).collect()
    return {r["file_path"].rsplit("/", 1)[-1]: r["reason"] for r in rows}


def test_csv_with_an_empty_first_line_is_rejected_and_the_batch_lands(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    land(_landing(config), "good.csv", csv_text(tx_rows("G")))
    land(_landing(config), "bad.csv", "\n" + csv_text(tx_rows("B")))
    result = run_stage(config, "bronze", dataset="transactions")
    assert result.status == "succeeded"
    assert _rejected(spark, config) == {"bad.csv": "CSV header line is empty"}
    assert _rows_by_file(spark, config) == Counter({"good.csv": 3})
    assert run_stage(config, "bronze", dataset="transactions").status == "skipped"


def test_jsonl_without_a_valid_line_keeps_its_lines_as_raw_text(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    land(_landing(config), "good.csv", csv_text(tx_rows("G")))
    land(_landing(config), "bad.jsonl", "not json\n{broken\n")
    result = run_stage(config, "bronze", dataset="transactions")
    assert result.status == "succeeded"
    assert _rows_by_file(spark, config) == Counter({"good.csv": 3, "bad.jsonl": 2})
    bronze_df = spark.read.format("delta").load(config.lake_path("bronze", "transactions"))
    bad = bronze_df.where("_source_file like '%bad.jsonl'").collect()
    assert sorted(r["_raw_record"] for r in bad) == ["not json", "{broken"]
    assert {r["_parse_error"] for r in bad} == {"line is not valid JSON"}
    assert run_stage(config, "bronze", dataset="transactions").status == "skipped"


def test_parquet_amount_typed_differently_across_files_is_kept_as_text(
    spark: SparkSession, lake_config, run_stage
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    land(_landing(config), "a.parquet", parquet_bytes(tx_rows("D"), amount="decimal"))
    land(_landing(config), "b.parquet", parquet_bytes(tx_rows("S"), amount="string"))
    result = run_stage(config, "bronze", dataset="transactions")
    assert result.status == "succeeded"
    bronze_df = spark.read.format("delta").load(config.lake_path("bronze", "transactions"))
    amounts = {(r[0], r[1]) for r in bronze_df.select("transaction_id", "total_amount").collect()}
    assert amounts == {(f"{t}-{i}", f"{10 + i}.50") for t in "DS" for i in range(3)}
    land(_landing(config), "c.parquet", parquet_bytes(tx_rows("N"), amount="string"), "2026/01/03")
    again = run_stage(config, "bronze", dataset="transactions")
    assert again.parts["transactions"].metrics["files_new"] == "1"
    assert _rows_by_file(spark, config)["c.parquet"] == 3


def _plan_then_fail(config: Config, run_stage, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A run that plans its batch and dies before reading: the next run replays it."""

    def die(*_args: object) -> None:
        raise RuntimeError("killed after planning")

    with monkeypatch.context() as patch:
        patch.setattr(bronze, "_ingest", die)
        with pytest.raises(RuntimeError, match="killed after planning"):
            run_stage(config, "bronze", dataset="transactions")


def test_file_removed_before_the_replay_is_recorded_and_the_rest_lands(
    spark: SparkSession, lake_config, run_stage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    land(_landing(config), "kept.csv", csv_text(tx_rows("K")))
    gone = _landing(config) / land(_landing(config), "gone.json", jsonl_text(tx_rows("X")))
    _plan_then_fail(config, run_stage, monkeypatch)
    gone.unlink()
    replay = run_stage(config, "bronze", dataset="transactions")
    assert replay.status == "succeeded"
    assert _rejected(spark, config) == {"gone.json": "file removed before it was read"}
    assert _rows_by_file(spark, config) == Counter({"kept.csv": 3})
    assert run_stage(config, "bronze", dataset="transactions").status == "skipped"


def test_file_replaced_before_the_replay_is_rejected_then_read_as_a_new_delivery(
    spark: SparkSession, lake_config, run_stage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    config = lake_config()
    land(_landing(config), "kept.csv", csv_text(tx_rows("K")))
    changed = _landing(config) / land(_landing(config), "changed.csv", csv_text(tx_rows("C")))
    _plan_then_fail(config, run_stage, monkeypatch)
    changed.write_text(csv_text(tx_rows("C", 2)), encoding="utf-8")
    os.utime(changed, (changed.stat().st_atime, changed.stat().st_mtime + 60))
    replay = run_stage(config, "bronze", dataset="transactions")
    assert replay.status == "succeeded"
    assert _rejected(spark, config) == {
        "changed.csv": "file replaced before it was read (read as a new delivery next run)"
    }
    assert _rows_by_file(spark, config) == Counter({"kept.csv": 3})
    again = run_stage(config, "bronze", dataset="transactions")
    assert again.parts["transactions"].metrics["files_new"] == "1"
    assert _rows_by_file(spark, config) == Counter({"kept.csv": 3, "changed.csv": 2})
