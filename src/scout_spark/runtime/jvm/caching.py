"""Keeping a DataFrame between actions: classic only (serverless refuses it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.sql import DataFrame
from pyspark.storagelevel import StorageLevel

from scout_spark.runtime.jvm.driver import is_connect


def persist(df: DataFrame, *, on_disk: bool = False) -> DataFrame:
    """`df` kept on classic (memory and disk, or `on_disk` only: out of the heap); `df`
    itself under Connect.

    Serverless refuses persist/cache, and a Connect server's cache outlives a client that
    dies, so under Connect each action recomputes instead: same results, more work.
    """
    if is_connect(df.sparkSession):
        return df
    return df.persist(StorageLevel.DISK_ONLY if on_disk else StorageLevel.MEMORY_AND_DISK)


def unpersist(df: DataFrame) -> None:
    """Release what `persist` kept (nothing under Connect)."""
    if not is_connect(df.sparkSession):
        df.unpersist()


@contextmanager
def cached(df: DataFrame) -> Iterator[DataFrame]:
    """`persist(df)` for the block, released after."""
    kept = persist(df)
    try:
        yield kept
    finally:
        unpersist(kept)
