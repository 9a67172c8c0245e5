"""A run whose table lock is taken over stops, naming the new holder, and commits no more."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from scout_lab.sample.cli import main as generate
from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.lake.lock import TableLockedError
from scout_spark.lake.lock_store import lock_store_for
from scout_spark.lake.tables import CHECKPOINTS, table_path
from scout_spark.lake.writes import table_version

SILVER_TABLES = ("transactions", "items", "customers", "stores")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One day of sample files, every dataset."""
    dest = tmp_path_factory.mktemp("generated")
    generate(["--dest", str(dest), "--days", "1", "--transactions-per-day", "20",
              "--stores", "3", "--customers", "10", "--faults", "none", "--seed", "5"])  # fmt: skip
    return dest


def _land(generated: Path, config: Config) -> None:
    landing = Path(config.source.root.removeprefix("file://"))
    shutil.copytree(generated, landing, ignore=shutil.ignore_patterns("_manifest.json"))


def _take_over(config: Config, lock_name: str) -> None:
    """Swap another run's record in for the holder's, as a run breaking the lock would."""
    store = lock_store_for(config.lake_path("_ops", "locks", f"{lock_name}.lock"), config, None)
    current = store.read()
    assert current is not None
    record = {"run_id": "thief", "host": "elsewhere", "pid": 1,
              "acquired_at": datetime.now(UTC).isoformat()}  # fmt: skip
    assert store.replace(json.dumps(record).encode(), current[1]) is not None


def _versions(spark: SparkSession, paths: list[str]) -> list[int | None]:
    return [table_version(spark, p) for p in paths]


def test_bronze_whose_lock_is_taken_over_after_planning_commits_nothing_more(
    spark: SparkSession, lake_config, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scout_spark.pipelines.bronze as bronze

    config = lake_config("bronze_takeover")
    _land(generated, config)
    state = config.lake_path("bronze", "_state", "transactions_files")
    data = config.lake_path("bronze", "transactions")

    def take_over_after_plan(name: str) -> None:
        if name == "bronze.after_plan":
            _take_over(config, "bronze_transactions")

    monkeypatch.setattr(bronze, "crash_point", take_over_after_plan)
    with pytest.raises(TableLockedError) as raised:
        invoke(spark, config, "bronze", dataset="transactions")
    message = str(raised.value)
    assert "\n" not in message and "run thief" in message
    assert _versions(spark, [state, data]) == [0, None]  # the plan only: no data, no finish


def test_silver_whose_lock_is_taken_over_between_tables_commits_nothing_more(
    spark: SparkSession, lake_config, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scout_spark.pipelines.silver_writes as silver_writes

    config = lake_config("silver_takeover")
    _land(generated, config)
    invoke(spark, config, "bronze")
    paths = [
        *(config.lake_path("silver", d) for d in SILVER_TABLES),
        *(config.lake_path("silver", f"{d}_quarantine") for d in SILVER_TABLES),
        table_path(config, CHECKPOINTS),
    ]
    write_silver = silver_writes._write_silver
    at_takeover: list[list[int | None]] = []

    def take_over_after_a_table(ctx, mode, dataset, checked_df):  # type: ignore[no-untyped-def]
        versions = write_silver(ctx, mode, dataset, checked_df)
        _take_over(config, "silver")
        at_takeover.append(_versions(spark, paths))
        return versions

    monkeypatch.setattr(silver_writes, "_write_silver", take_over_after_a_table)
    with pytest.raises(TableLockedError) as raised:
        invoke(spark, config, "silver")
    message = str(raised.value)
    assert "\n" not in message and "run thief" in message
    assert len(at_takeover) == 1  # no silver table after the takeover
    assert _versions(spark, paths) == at_takeover[0]  # nor a quarantine nor the checkpoint
