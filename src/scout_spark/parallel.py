"""Driver threads overlapping latencies: several Spark jobs at once, or the next items of a
stream fetched while the caller works on the last."""

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from queue import Empty, Full, Queue
from typing import TypeVar

from scout_spark.runtime.jvm import in_this_step

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_JOBS = 4
_WAIT_SECONDS = 0.1


def for_each(fn: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """fn over items, PARALLEL_JOBS at a time, results in order; the first error is raised.
    The threads' Spark jobs belong to the caller's step (job group)."""
    with ThreadPoolExecutor(max_workers=PARALLEL_JOBS, thread_name_prefix="scout") as pool:
        return list(pool.map(in_this_step(fn), items))


def read_ahead(items: Iterator[Item], depth: int) -> Iterator[Item]:
    """The items in order, up to `depth` of them fetched ahead by a thread of their own;
    the reader's error is raised here. At most `depth` + 2 items are held at once (the
    caller's, the queued ones, the one the reader waits to queue). Closing this iterator
    early stops the reader after the item it is fetching."""
    queue: Queue[tuple[str, object]] = Queue(maxsize=depth)
    closed = threading.Event()

    def offer(entry: tuple[str, object]) -> bool:
        while not closed.is_set():
            try:
                queue.put(entry, timeout=_WAIT_SECONDS)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not offer(("item", item)):
                    return
            offer(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            offer(("error", error))

    reader = threading.Thread(target=in_this_step(read), name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            try:
                kind, value = queue.get(timeout=_WAIT_SECONDS)
            except Empty:
                if not reader.is_alive() and queue.empty():
                    raise RuntimeError("read-ahead thread ended without a word") from None
                continue
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]
    finally:
        closed.set()
        reader.join()
