"""Tables get their change feed and deletion vectors when created, not from session defaults."""

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession

from scout_spark.config import Config
from scout_spark.lake import writes
from scout_spark.lake.tables import RECORD_CHECKPOINT_INTERVAL, delta_target
from scout_spark.lake.writes import DeltaTarget
from scout_spark.records import ledger

SESSION_DEFAULTS = (
    "spark.databricks.delta.properties.defaults.enableChangeDataFeed",
    "spark.databricks.delta.properties.defaults.enableDeletionVectors",
)
WRITES: dict[str, Callable[[SparkSession, DeltaTarget, DataFrame], object]] = {
    "append": writes.append,
    "overwrite": writes.overwrite,
    "replace_dates": lambda s, t, df: writes.replace_dates(s, t, df, [date(2026, 1, 1)]),
    "merge": writes.merge,
}


@pytest.fixture
def no_session_defaults(spark: SparkSession) -> Iterator[None]:
    """The session as a Connect server that refused the defaults would leave it."""
    saved = {key: spark.conf.get(key, None) for key in SESSION_DEFAULTS}
    for key in SESSION_DEFAULTS:
        spark.conf.unset(key)
    yield
    for key, value in saved.items():
        if value is not None:
            spark.conf.set(key, value)


def _properties(spark: SparkSession, path: str) -> dict[str, str]:
    return {r["key"]: r["value"] for r in spark.sql(f"SHOW TBLPROPERTIES delta.`{path}`").collect()}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_write_creates_the_table_with_its_properties(
    spark: SparkSession, test_config: Config, tmp_path: Path, no_session_defaults: None, write: str
) -> None:
    path = (tmp_path / write).as_uri()
    target = DeltaTarget(
        f"test/{write}", path, keys=("id",), date_column="day", checkpoint_interval=100
    )
    df = spark.sql("SELECT 1 AS id, DATE'2026-01-01' AS day")
    WRITES[write](spark, target, df)
    props = _properties(spark, path)
    assert props.get("delta.enableChangeDataFeed") == "true"
    expected = str(test_config.lake.deletion_vectors).lower()
    assert props.get("delta.enableDeletionVectors") == expected
    assert props.get("delta.checkpointInterval") == "100"
    assert writes.read_changes(spark, path, -1, 0).count() == 1


def test_the_run_ledger_is_created_with_its_change_feed_and_checkpoint_interval(
    spark: SparkSession, test_config: Config, tmp_path: Path, no_session_defaults: None
) -> None:
    lake = dataclasses.replace(test_config.lake, root=tmp_path.as_uri() + "/")
    config = dataclasses.replace(test_config, lake=lake)
    who = ledger.RunIdentity("run-1", "pipeline-1", "bronze", datetime.now(UTC))
    ledger.record(spark, config, who, "running")
    props = _properties(spark, ledger.ledger_path(config))
    assert props.get("delta.enableChangeDataFeed") == "true"
    # A few commits per stage: a checkpoint each 100, not each 10 (lake/tables.py).
    assert props.get("delta.checkpointInterval") == str(RECORD_CHECKPOINT_INTERVAL)
    data_target = delta_target(config, "gold/hourly_sales")
    writes.append(spark, data_target, spark.sql("SELECT DATE'2026-01-01' AS sales_date"))
    assert "delta.checkpointInterval" not in _properties(spark, data_target.path)
