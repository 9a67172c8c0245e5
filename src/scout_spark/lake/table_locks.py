"""Which writer's lock guards a lake table, and taking several locks at once."""

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.lake.lock import TableLock

BRONZE_DATASETS = ("transactions", "items", "customers", "stores")


def lock_name(table: str) -> str | None:
    """The lock the table's writer takes (None for _ops tables, written by every stage)."""
    layer, _, rest = table.partition("/")
    if layer == "bronze":
        leaf = rest.rsplit("/", 1)[-1]
        dataset = next((d for d in BRONZE_DATASETS if leaf.startswith(d)), leaf)
        return f"bronze_{dataset}"
    return layer if layer in ("silver", "gold", "platinum") else None


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
