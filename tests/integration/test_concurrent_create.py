"""Two runs creating one table at once (the ledger of an empty lake): both appends land.

The race is built, not hoped for: the first writer's rows come from a UDF that waits,
after its write has found no table, until the second writer has created it.
"""

import threading
import time
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.lake import writes
from scout_spark.lake.writes import delta_writer, save_append

WAIT_S = 120.0


def _rows(spark: SparkSession, writer: str) -> DataFrame:
    return spark.createDataFrame([(writer,)], "writer string")


def _stalled(spark: SparkSession, folder: Path) -> DataFrame:
    """One row whose task touches `started`, then waits for `go` (on a retry: at once)."""
    started, go = str(folder / "started"), str(folder / "go")

    @F.udf(T.StringType())
    def wait_for_go(value):  # type: ignore[no-untyped-def]  # hints would make it a pandas UDF
        import os
        import time

        open(started, "a").close()
        deadline = time.monotonic() + WAIT_S
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.05)
        return value

    return _rows(spark, "first").select(wait_for_go("writer").alias("writer"))


def _race(spark: SparkSession, folder: Path) -> tuple[str, list[BaseException]]:
    """The first append reads no table and stalls; the second creates it; the first goes on."""
    path, errors = str(folder / "table"), []

    def first() -> None:
        try:
            save_append(delta_writer(_stalled(spark, folder)), path)
        except Exception as exc:  # handed to the test
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not (folder / "started").exists():
        assert time.monotonic() < deadline and thread.is_alive(), "the first append never ran"
        time.sleep(0.05)
    save_append(delta_writer(_rows(spark, "second")), path)
    (folder / "go").touch()
    thread.join(WAIT_S * 2)
    assert not thread.is_alive()
    return path, errors


def _writers(spark: SparkSession, path: str) -> list[str]:
    return sorted(r.writer for r in spark.read.format("delta").load(path).collect())


def test_the_race_is_real_a_single_attempt_loses_it(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "_APPEND_ATTEMPTS", 1)
    path, errors = _race(spark, tmp_path)
    assert len(errors) == 1
    assert any(m in str(errors[0]) for m in writes._LOST_CREATE_RACE), str(errors[0])[:500]
    assert _writers(spark, path) == ["second"]


def test_an_append_that_loses_the_create_race_lands_on_the_created_table(
    spark: SparkSession, tmp_path: Path
) -> None:
    path, errors = _race(spark, tmp_path)
    assert errors == []
    assert _writers(spark, path) == ["first", "second"]
