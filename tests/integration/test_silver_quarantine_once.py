"""Silver's quarantine holds each bronze row once, whatever crashed or moved in between."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from silver_lake import (
    add_bronze,
    add_second_delivery,
    run,
    table,
)

from scout_spark.config import Config

DAY_3 = datetime(2024, 3, 3, tzinfo=UTC)
THIRD_ITEMS = [
    {"transaction_id": "T9", "line_number": "1", "product_id": "P1", "quantity": "-2",
     "unit_price": "5", "line_amount": "5"},
]  # fmt: skip


def _row_ids(spark: SparkSession, config: Config, name: str) -> tuple[int, int]:
    """(rows, distinct _row_id) of a quarantine table."""
    row = table(spark, config, name).agg(F.count("*"), F.countDistinct("_row_id")).first()
    assert row is not None
    return int(row[0]), int(row[1])


def test_quarantine_rows_land_once_after_a_crash_before_the_checkpoint_when_bronze_moved(
    spark: SparkSession,
    lake_copy: Callable[[str], Config],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scout_spark.pipelines.silver as silver

    clean, crashed = lake_copy("clean"), lake_copy("crashed")
    for config in (clean, crashed):
        add_second_delivery(spark, config)
    run(spark, clean)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("crash before the checkpoint")

    with monkeypatch.context() as patched:  # the quarantine rows are appended, no checkpoint
        patched.setattr(silver, "save_checkpoints", crash)
        with pytest.raises(RuntimeError, match="crash before"):
            run(spark, crashed)
    for config in (clean, crashed):  # bronze moves on before the rerun
        add_bronze(spark, config, "items", "items/2024/03/03/data.csv", THIRD_ITEMS, DAY_3)
    run(spark, clean)
    run(spark, crashed)

    clean_ids = _row_ids(spark, clean, "items_quarantine")
    assert clean_ids[0] == clean_ids[1]
    assert _row_ids(spark, crashed, "items_quarantine") == clean_ids
    assert _row_ids(spark, crashed, "transactions_quarantine") == _row_ids(
        spark, clean, "transactions_quarantine"
    )
