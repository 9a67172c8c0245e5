"""Faults on files: broken lines in text files, extra re-sent files, and the day dispatcher."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scout_lab.sample import columns as C
from scout_lab.sample.baskets import DayData
from scout_lab.sample.faultkit import DayFaults, FaultRecord, Injection, SideTable
from scout_lab.sample.faultplan import EXTRA_FILE_FAULTS, LINE_FAULTS, ROW_FAULTS, FaultPlan
from scout_lab.sample.rowfaults import ROW_FAULT_APPLY

LATIN1_TEXT = {
    "transactions": ("payment_method", "Débito"),
    "items": ("product_name", "Piña Juice 1L"),
}


def _copies(f: DayFaults, rows: np.ndarray, dataset: str) -> pa.Table:
    if dataset == "transactions":
        return f.transactions.take(pa.array(rows))
    return f.items.take(pa.array(f.item_rows(rows)))


def _extra_rows(f: DayFaults, rows: np.ndarray, dataset: str, fault: str) -> None:
    """Copies of real rows under new `X` ids, spliced into the main file as broken lines."""
    seq, ids = f.extra_ids(len(rows))
    if dataset == "transactions":
        table = f.transactions.take(pa.array(rows))
    else:
        table = f.items.take(pa.array(f.first_lines(rows)))
        table = C.set_column(table, "line_number", pa.array(np.ones(len(rows), np.int32)))
    table = C.set_column(table, "transaction_id", ids)
    table = C.set_column(table, C.SEQ, pa.array(seq))
    if fault == "non_utf8":
        column, text = LATIN1_TEXT[dataset]
        table = C.set_column(table, column, pa.array([text] * len(rows)))
    f.injections.append(Injection(dataset, fault, table))
    f.record(fault, dataset, ids.to_pylist())


def _extra_file(f: DayFaults, rows: np.ndarray, dataset: str, fault: str) -> None:
    """One more file in the day's partition, re-sending rows: truncated, empty or oddly named."""
    table = _copies(f, rows, dataset)
    if fault == "zero_byte_file":
        side = SideTable(dataset, table.slice(0, 0), "empty", 27, fault, corrupt="empty")
    elif fault == "truncated_file":
        side = SideTable(dataset, table, "partial", 27.25, fault, corrupt="truncate")
    else:
        side = SideTable(dataset, table, "copy", 27.5, fault, odd_name=True)
    f.side.append(side)
    ids = [] if fault == "zero_byte_file" else f.ids(rows)
    f.record(fault, dataset, ids, count=1)


def apply_faults(
    data: DayData, plan: FaultPlan, rng: np.random.Generator, copies: int
) -> tuple[DayData, list[SideTable], list[Injection], list[FaultRecord]]:
    """Inject the day's planned faults, each on its own transactions."""
    counts = plan.counts(data.day)
    f = DayFaults(data.day, data.transactions, data.items, rng, max(1, copies))
    pool = rng.permutation(data.transactions.num_rows)
    used = 0
    for fault in (*ROW_FAULTS, *LINE_FAULTS, *EXTRA_FILE_FAULTS):
        if fault not in counts:
            continue
        want = counts[fault] if fault not in EXTRA_FILE_FAULTS else f.copies
        rows = np.sort(pool[used : used + want])
        used += len(rows)
        if fault in ROW_FAULT_APPLY:
            ROW_FAULT_APPLY[fault](f, rows, fault)
        elif fault in LINE_FAULTS:
            _extra_rows(f, rows, plan.file_fault_dataset[fault], fault)
        else:
            _extra_file(f, rows, plan.file_fault_dataset[fault], fault)
    return f.result(), f.side, f.injections, f.records
