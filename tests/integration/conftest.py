"""Fixtures shared by the integration tests."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from publish_lake import lake_case
from pyspark.sql import SparkSession
from silver_lake import (
    FIRST_FILE,
    FIRST_ITEMS,
    FIRST_TX,
    JAN,
    add_bronze,
    lake_config,
    run,
    snapshot,
)

from scout_spark.config import Config
from scout_spark.results import StageResult


@pytest.fixture
def case(
    services_env: dict[str, str],
    spark: SparkSession,
    test_config: Config,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> Iterator[Config]:
    """Publish tests: a copy of the base gold/platinum lake and a fresh Postgres schema."""
    with lake_case(spark, test_config, tmp_path_factory, tmp_path) as config:
        yield config


@pytest.fixture(scope="session")
def first_run(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, StageResult]:
    """A lake after the first silver run over all four datasets, built once per session for
    the silver, quarantine and gold-kill tests (each works on a copy: `lake_copy`)."""
    lake = tmp_path_factory.mktemp("silver") / "lake"
    config = lake_config(test_config, lake)
    add_bronze(spark, config, "transactions", FIRST_FILE, FIRST_TX)
    add_bronze(spark, config, "items", "items/2024/03/01/data.csv", FIRST_ITEMS)
    add_bronze(spark, config, "stores", "stores/stores.csv", [{"store_id": "S1", "region": "NCR"}])
    add_bronze(spark, config, "customers", "customers/jan.csv", snapshot(JAN, {"C1": "gold"}), JAN)
    return lake, run(spark, config)


@pytest.fixture
def lake_copy(
    first_run: tuple[Path, StageResult], test_config: Config, tmp_path: Path
) -> Callable[[str], Config]:
    """A fresh copy of the first run's lake, as a config pointing at it."""

    def copy(name: str) -> Config:
        shutil.copytree(first_run[0], tmp_path / name)
        return lake_config(test_config, tmp_path / name)

    return copy
