"""Taking the writers' locks of several lake tables at once (lake/tables.py names them)."""

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.lake.lock import TableLock
from scout_spark.lake.tables import lock_name


@contextmanager
def locks_for(
    spark: SparkSession, config: Config, tables: Iterable[str], run_id: str
) -> Iterator[list[TableLock]]:
    """Hold the writers' locks of `tables` (taken in name order, so no two runs deadlock).

    Yields the locks: call `check()` on each before a commit.
    """
    names = sorted({n for t in tables if (n := lock_name(t)) is not None})
    with ExitStack() as stack:
        yield [stack.enter_context(TableLock(spark, config, name, run_id)) for name in names]
