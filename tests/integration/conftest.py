"""Fixtures shared by the integration tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from publish_lake import lake_case
from pyspark.sql import SparkSession

from scout_spark.config import Config


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
