"""Shared pieces of fault injection: the day being faulted and what faults hand back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from scout_lab.sample import columns as C
from scout_lab.sample.baskets import DayData

EXTRA_SEQ_BASE = 50_000_000  # sequence numbers of injected rows never meet real ones


@dataclass
class SideTable:
    """Rows delivered in an extra file of the day's partition (re-send, correction, ...)."""

    dataset: str
    table: pa.Table
    tag: str  # file-name tag in date folders (`data-<tag>.<ext>`)
    delay_hours: float  # delivery time, hours after 00:00 Asia/Manila of the day
    fault: str
    corrupt: str | None = None  # "truncate" or "empty"
    odd_name: bool = False


@dataclass
class Injection:
    """Rows to splice into the day's main text file as broken lines."""

    dataset: str
    fault: str
    table: pa.Table


@dataclass
class FaultRecord:
    """What one fault did on one day: units (rows, lines or files) and affected ids."""

    fault: str
    dataset: str
    count: int
    ids: list[str]
    details: dict[str, Any] = field(default_factory=dict)  # per-id maps or scalars


@dataclass
class DayFaults:
    """A day under fault injection; faults mutate it in place."""

    day: dt.date
    transactions: pa.Table
    items: pa.Table
    rng: np.random.Generator
    copies: int  # rows carried by an extra re-sent file
    side: list[SideTable] = field(default_factory=list)
    injections: list[Injection] = field(default_factory=list)
    records: list[FaultRecord] = field(default_factory=list)
    removed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    extra_used: int = 0

    def __post_init__(self) -> None:
        self.removed = np.zeros(self.transactions.num_rows, dtype=bool)
        item_seq = np.asarray(self.items.column(C.SEQ))
        tx_seq = np.asarray(self.transactions.column(C.SEQ))
        self._first = np.searchsorted(item_seq, tx_seq, side="left")
        self._count = np.searchsorted(item_seq, tx_seq, side="right") - self._first

    def ids(self, rows: np.ndarray) -> list[str]:
        """Transaction ids at transaction row positions."""
        return self.transactions.column("transaction_id").take(pa.array(rows)).to_pylist()

    def first_lines(self, rows: np.ndarray) -> np.ndarray:
        """Item row position of line 1 of each transaction."""
        return self._first[rows]

    def line_counts(self, rows: np.ndarray) -> np.ndarray:
        """Number of item lines of each transaction."""
        return self._count[rows]

    def item_rows(self, rows: np.ndarray) -> np.ndarray:
        """Item row positions of every line of the given transactions."""
        counts = self._count[rows]
        starts = np.cumsum(counts) - counts
        return np.repeat(self._first[rows] - starts, counts) + np.arange(int(counts.sum()))

    def micros(self, table: pa.Table, column: str, rows: np.ndarray) -> np.ndarray:
        """Timestamp column values at positions, as int64 microseconds."""
        return np.asarray(table.column(column).take(pa.array(rows)).cast(pa.int64()))

    def record(
        self, fault: str, dataset: str, ids: list[str], count: int | None = None, **details: Any
    ) -> None:
        """Note a fault's effect for the manifest (count defaults to the number of ids)."""
        units = len(ids) if count is None else count
        self.records.append(FaultRecord(fault, dataset, units, ids, dict(details)))

    def extra_ids(self, n: int) -> tuple[np.ndarray, pa.Array]:
        """Sequence numbers and ids (`TXN-YYYYMMDD-X...`) for injected extra rows."""
        seq = np.arange(self.extra_used + 1, self.extra_used + n + 1, dtype=np.int64)
        self.extra_used += n
        return EXTRA_SEQ_BASE + seq, C.transaction_ids(self.day, seq, tag="X")

    def result(self) -> DayData:
        """The day's tables after injection, with orphaned transactions removed."""
        kept = self.transactions.filter(pa.array(~self.removed))
        return DayData(self.day, kept, self.items)


def cycle(values: list, n: int) -> list:
    """`values` repeated to length n."""
    return [values[i % len(values)] for i in range(n)]
