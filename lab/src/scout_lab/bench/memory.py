"""Peak resident memory of this process and everything it started (the Spark JVM, its
Python workers), sampled from /proc while a block of work runs."""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
INTERVAL_S = 0.2


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def tree_rss_bytes(root: int | None = None) -> int:
    """Resident bytes of `root` (default: this process) and all its descendants."""
    tree, total, todo = _children(), 0, [root or os.getpid()]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            pass
    return total


class PeakMemory:
    """The largest tree_rss_bytes() seen while the block ran (bytes; 0 without /proc),
    and every sample as (epoch ms, bytes), so a part of the block has its own peak."""

    def __init__(self) -> None:
        self.peak = 0
        self.samples: list[tuple[int, int]] = []

    def peak_between(self, start_ms: int, end_ms: int) -> int:
        """The largest sample taken in [start_ms, end_ms] (bytes)."""
        return max((b for ms, b in self.samples if start_ms <= ms <= end_ms), default=0)


@contextmanager
def peak_memory(root: int | None = None) -> Iterator[PeakMemory]:
    """Sample the tree of `root` (default: this process) every INTERVAL_S seconds until
    the block ends."""
    result, done = PeakMemory(), threading.Event()
    available = Path("/proc/self/statm").exists()

    def sample() -> None:
        while available:
            rss = tree_rss_bytes(root)
            result.samples.append((int(time.time() * 1000), rss))
            result.peak = max(result.peak, rss)
            if done.wait(INTERVAL_S):
                return

    sampler = threading.Thread(target=sample, name="peak-memory", daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        done.set()
        sampler.join()
