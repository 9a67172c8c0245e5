"""parallel.read_ahead: a stream's next items fetched by a thread while the caller works."""

import threading
import time
from collections.abc import Iterator

import pytest

from scout_spark.parallel import read_ahead


def counted(items: int, fetched: list[int]) -> Iterator[int]:
    """0 .. items - 1, each noted in `fetched` as the reader takes it."""
    for i in range(items):
        fetched.append(i)
        yield i


def test_items_arrive_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(100)), 3)) == list(range(100))
    assert list(read_ahead(iter([]), 3)) == []


def test_the_next_items_are_fetched_while_the_caller_works() -> None:
    fetched: list[int] = []
    stream = read_ahead(counted(10, fetched), 4)
    assert next(stream) == 0
    deadline = time.monotonic() + 5
    while len(fetched) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # had it no bound, the reader would now be far past it
    # One item taken, four queued, one more read and waiting for room: never the rest.
    assert len(fetched) == 6
    assert list(stream) == list(range(1, 10))


def test_the_readers_error_is_raised_to_the_caller_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise ValueError("partition 2 failed")

    stream = read_ahead(source(), 2)
    assert next(stream) == 1
    with pytest.raises(ValueError, match="partition 2 failed"):
        next(stream)


def test_closing_early_stops_the_reader() -> None:
    read: list[int] = []
    stream = read_ahead(counted(1_000_000, read), 2)
    assert next(stream) == 0
    stream.close()
    assert "read-ahead" not in [t.name for t in threading.enumerate()]
    assert len(read) <= 4
