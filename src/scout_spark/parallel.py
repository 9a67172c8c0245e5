"""Several Spark jobs at once from driver threads, so their latencies overlap."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from scout_spark.runtime.jvm import in_this_step

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_JOBS = 4


def for_each(fn: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """fn over items, PARALLEL_JOBS at a time, results in order; the first error is raised.
    The threads' Spark jobs belong to the caller's step (job group)."""
    with ThreadPoolExecutor(max_workers=PARALLEL_JOBS, thread_name_prefix="scout") as pool:
        return list(pool.map(in_this_step(fn), items))
