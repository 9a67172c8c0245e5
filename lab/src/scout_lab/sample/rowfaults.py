"""Faults on chosen transactions: broken silver rules, re-sends, corrections, orphans, tz."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from scout_lab.sample import columns as C
from scout_lab.sample.config import ITEM_RULE_FAULTS, TRANSACTION_RULE_FAULTS
from scout_lab.sample.faultkit import DayFaults, SideTable, cycle
from scout_lab.sample.timeutil import (
    MICROS_PER_DAY,
    MICROS_PER_HOUR,
    MICROS_PER_SECOND,
    TS_TYPE,
    manila_midnight_micros,
)

TX = "transactions"
BAD_TIMESTAMPS = ["2024-02-30 10:15:00", "not a timestamp", "15/13/2024 25:61"]
BAD_AMOUNTS = ["1,250.00", "PHP 120.00", "N/A", "12.5O"]
CORRECTION_STEP = 3 * MICROS_PER_HOUR  # each correction's updated_at is this much later
RowFault = Callable[[DayFaults, np.ndarray, str], None]  # (day, transaction rows, fault name)
Values = Callable[[DayFaults, np.ndarray], list | pa.Array]


def _mark(table: pa.Table, rows: np.ndarray, rule: str) -> pa.Table:
    return C.replace_at(table, C.RULE, rows, [rule] * len(rows))


def _tx_rule(column: str, values: Values) -> RowFault:
    def apply(f: DayFaults, rows: np.ndarray, fault: str) -> None:
        ids = f.ids(rows)
        f.transactions = C.replace_at(f.transactions, column, rows, values(f, rows))
        f.transactions = _mark(f.transactions, rows, TRANSACTION_RULE_FAULTS[fault])
        f.record(fault, TX, ids)

    return apply


def _item_rule(column: str, values: Values) -> RowFault:
    def apply(f: DayFaults, rows: np.ndarray, fault: str) -> None:
        lines = f.first_lines(rows)
        f.items = C.replace_at(f.items, column, lines, values(f, lines))
        f.items = _mark(f.items, lines, ITEM_RULE_FAULTS[fault])
        f.record(fault, "items", f.ids(rows))

    return apply


def _cents(table: pa.Table, column: str, rows: np.ndarray) -> np.ndarray:
    return C.centavos_from_decimal(table.column(column).take(pa.array(rows)))


def _negated(column: str) -> Callable[[DayFaults, np.ndarray], pa.Array]:
    def values(f: DayFaults, rows: np.ndarray) -> pa.Array:
        table = f.items if column != "total_amount" else f.transactions
        return C.decimal_from_centavos(-_cents(table, column, rows))

    return values


def _future(f: DayFaults, rows: np.ndarray) -> pa.Array:
    return pa.array(
        f.micros(f.transactions, "timestamp", rows) + 75 * 365 * MICROS_PER_DAY, TS_TYPE
    )


def _ancient(f: DayFaults, rows: np.ndarray) -> pa.Array:
    just_before_2015 = manila_midnight_micros(dt.date(2015, 1, 1)) - MICROS_PER_SECOND
    return pa.array(cycle([0, just_before_2015], len(rows)), TS_TYPE)


def _versions(f: DayFaults, rows: np.ndarray, step: int) -> tuple[pa.Table, pa.Table]:
    """Copies of transactions and their items with line 1 bought `step` more times."""
    tx = f.transactions.take(pa.array(rows))
    item_rows = f.item_rows(rows)
    items = f.items.take(pa.array(item_rows))
    is_first = np.asarray(items.column("line_number")) == 1
    unit = C.centavos_from_decimal(items.column("unit_price"))
    qty = np.asarray(items.column("quantity")) + step * is_first
    line_amount = C.centavos_from_decimal(items.column("line_amount")) + step * unit * is_first
    total = _cents(f.transactions, "total_amount", rows) + step * unit[is_first]
    later = f.micros(f.transactions, "updated_at", rows) + step * CORRECTION_STEP
    tx = C.set_column(tx, "total_amount", C.decimal_from_centavos(total))
    tx = C.set_column(tx, "updated_at", pa.array(later, TS_TYPE))
    items = C.set_column(items, "quantity", pa.array(qty.astype(np.int32)))
    items = C.set_column(items, "line_amount", C.decimal_from_centavos(line_amount))
    items = C.set_column(items, "updated_at", pa.array(later[_owner(items, tx)], TS_TYPE))
    return tx, items


def _owner(items: pa.Table, tx: pa.Table) -> np.ndarray:
    """Position in `tx` of each item's transaction (both ordered by sequence)."""
    return np.searchsorted(np.asarray(tx.column(C.SEQ)), np.asarray(items.column(C.SEQ)))


def _final_totals(tx: pa.Table) -> dict[str, str]:
    ids = tx.column("transaction_id").to_pylist()
    return {i: str(v) for i, v in zip(ids, tx.column("total_amount").to_pylist(), strict=True)}


def _side(
    f: DayFaults, rows: np.ndarray, fault: str, tag: str, delay: float, step: int
) -> pa.Table:
    tx, items = (
        (f.transactions.take(pa.array(rows)), f.items.take(pa.array(f.item_rows(rows))))
        if step == 0
        else _versions(f, rows, step)
    )
    f.side.append(SideTable(TX, tx, tag, delay, fault))
    f.side.append(SideTable("items", items, tag, delay + 0.5, fault))
    return tx


def _duplicate(f: DayFaults, rows: np.ndarray, fault: str) -> None:
    _side(f, rows, fault, "resend", 28, 0)
    f.record(fault, TX, f.ids(rows))


def _correction(f: DayFaults, rows: np.ndarray, fault: str) -> None:
    fixed = _side(f, rows, fault, "correction", 33, 1)
    f.record(fault, TX, f.ids(rows), final_total_amount=_final_totals(fixed))


def _out_of_order(f: DayFaults, rows: np.ndarray, fault: str) -> None:
    newest = _side(f, rows, fault, "correction-newer", 34, 2)
    _side(f, rows, fault, "correction-older", 58, 1)
    f.record(fault, TX, f.ids(rows), final_total_amount=_final_totals(newest))


def _orphan(f: DayFaults, rows: np.ndarray, fault: str) -> None:
    f.removed[rows] = True
    f.record(fault, "items", f.ids(rows))


def _tz_midnight(f: DayFaults, rows: np.ndarray, fault: str) -> None:
    """Just after midnight written as UTC (`Z`, previous date); just before it as naive."""
    n = len(rows)
    after = np.arange(n) % 2 == 0
    seconds = np.where(after, f.rng.integers(0, 1800, n), 86400 - 1800 + f.rng.integers(0, 1800, n))
    ts = manila_midnight_micros(f.day) + seconds * MICROS_PER_SECOND
    updated = ts + 60 * MICROS_PER_SECOND
    tx = C.replace_at(f.transactions, "timestamp", rows, pa.array(ts, TS_TYPE))
    tx = C.replace_at(tx, "updated_at", rows, pa.array(updated, TS_TYPE))
    f.transactions = C.replace_at(tx, C.TS_STYLE, rows, pa.array(np.where(after, 3, 0)))
    item_rows = f.item_rows(rows)
    owner = np.repeat(np.arange(n), f.line_counts(rows))
    f.items = C.replace_at(f.items, "updated_at", item_rows, pa.array(updated[owner], TS_TYPE))
    ids = f.ids(rows)
    f.record(fault, TX, ids, sales_date=dict.fromkeys(ids, str(f.day)))


ROW_FAULT_APPLY: dict[str, RowFault] = {
    "empty_transaction_id": _tx_rule("transaction_id", lambda f, r: [""] * len(r)),
    "empty_store_id": _tx_rule("store_id", lambda f, r: [""] * len(r)),
    "unparseable_timestamp": _tx_rule(C.TS_TEXT, lambda f, r: cycle(BAD_TIMESTAMPS, len(r))),
    "future_timestamp": _tx_rule("timestamp", _future),
    "ancient_timestamp": _tx_rule("timestamp", _ancient),
    "negative_amount": _tx_rule("total_amount", _negated("total_amount")),
    "excessive_amount": _tx_rule(
        "total_amount",
        lambda f, r: C.decimal_from_centavos(np.array(cycle([100_000_001, 250_000_000], len(r)))),
    ),
    "non_numeric_amount": _tx_rule(C.AMOUNT_TEXT, lambda f, r: cycle(BAD_AMOUNTS, len(r))),
    "nonpositive_quantity": _item_rule("quantity", lambda f, r: cycle([0, -2], len(r))),
    "negative_unit_price": _item_rule("unit_price", _negated("unit_price")),
    "negative_line_amount": _item_rule("line_amount", _negated("line_amount")),
    "invalid_line_number": _item_rule("line_number", lambda f, r: cycle([0, -1], len(r))),
    "duplicate_rows": _duplicate,
    "correction": _correction,
    "out_of_order_correction": _out_of_order,
    "orphan_items": _orphan,
    "tz_midnight": _tz_midnight,
}
