"""Fault signatures found by reading generated files, with no help from the generator."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sample_reader import FileData, as_decimal, as_ts, contract_columns, item_rules

EPOCH_2015 = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)


def _row_key(dataset: str, row: dict[str, Any]) -> tuple:
    return tuple(str(row.get(c)) for c in contract_columns(dataset))


def _transaction_rules(rows: list[dict[str, Any]], sig: Counter[str]) -> None:
    now = dt.datetime.now(dt.UTC)
    for r in rows:
        sig["empty_transaction_id"] += r["transaction_id"] == ""
        sig["empty_store_id"] += r["store_id"] == ""
        ts = as_ts(r["timestamp"])
        sig["unparseable_timestamp"] += ts is None
        sig["future_timestamp"] += ts is not None and ts > now + dt.timedelta(days=1)
        sig["ancient_timestamp"] += ts is not None and ts < EPOCH_2015
        amount = as_decimal(r["total_amount"])
        sig["non_numeric_amount"] += amount is None
        sig["negative_amount"] += amount is not None and amount < 0
        sig["excessive_amount"] += amount is not None and amount > 1_000_000


def _item_rules(rows: list[dict[str, Any]], sig: Counter[str]) -> None:
    fault_of_rule = {
        "quantity_positive": "nonpositive_quantity",
        "unit_price_non_negative": "negative_unit_price",
        "line_amount_non_negative": "negative_line_amount",
        "line_number_positive": "invalid_line_number",
    }
    for r in rows:
        for rule in item_rules(r):
            sig[fault_of_rule[rule]] += 1


def _versions(tx: list[tuple[FileData, dict[str, Any]]], sig: Counter[str]) -> None:
    """Exact re-sends, in-order corrections and out-of-order corrections, counted by id."""
    files_of_row: dict[tuple, set[str]] = defaultdict(set)
    landed: dict[str, dict[tuple, float]] = defaultdict(dict)
    for f, r in tx:
        if not r["transaction_id"]:
            continue  # rows without an id are not versions of anything
        key = _row_key("transactions", r)
        files_of_row[key].add(f.path)
        seen = landed[r["transaction_id"]]
        seen[key] = min(seen.get(key, f.mtime), f.mtime)
    sig["duplicate_rows"] = len({k[0] for k, paths in files_of_row.items() if len(paths) > 1})
    for versions in landed.values():
        if len(versions) < 2:
            continue
        by_landing = sorted(versions.items(), key=lambda kv: kv[1])
        position = contract_columns("transactions").index("updated_at")
        updated = [as_ts(key[position]) for key, _ in by_landing]
        in_order = all(a < b for a, b in itertools.pairwise(updated))
        sig["correction" if in_order else "out_of_order_correction"] += 1


def _is_main_file(path: str) -> bool:
    return os.path.basename(path).split(".")[0] in ("data", "part-00000")


def _late_files(tx_daily: list[FileData]) -> int:
    first_landing: dict[dt.date, float] = {}
    for f in tx_daily:
        first_landing[f.day] = min(first_landing.get(f.day, f.mtime), f.mtime)
    return sum(
        any(day > f.day and t < f.mtime for day, t in first_landing.items()) for f in tx_daily
    )


def _missing_markers(root: Path) -> int:
    missing = 0
    for folder, _, files in os.walk(root):
        name = os.path.basename(folder)
        if name.startswith("dt=") and "_SUCCESS" not in files:
            missing += 1
    return missing


def signatures(root: Path, files: list[FileData]) -> Counter[str]:
    """How many times each fault's trace shows up in the files below `root`."""
    sig: Counter[str] = Counter()
    daily = [f for f in files if f.kind == "daily" and f.readable]
    tx = [(f, r) for f in daily if f.dataset == "transactions" for r in f.rows]
    items = [r for f in daily if f.dataset == "items" for r in f.rows]
    _transaction_rules([r for _, r in tx], sig)
    _item_rules(items, sig)
    _versions(tx, sig)
    hourly_ids = {r["transaction_id"] for f in files if f.kind == "incremental" for r in f.rows}
    sig["hourly_then_daily"] = len(hourly_ids & {r["transaction_id"] for _, r in tx})
    tx_ids = {r["transaction_id"] for _, r in tx}
    sig["orphan_items"] = len({r["transaction_id"] for r in items} - tx_ids)
    for f in files:
        sig["csv_field_count"] += f.bad_lines["field_count"]
        sig["bad_json_line"] += f.bad_lines["json"]
        sig["non_utf8"] += f.bad_lines["utf8"]
        sig["truncated_file"] += not f.readable and f.size > 0
        sig["zero_byte_file"] += f.size == 0 and not (root / f.path).is_dir()
        sig["odd_file_name"] += " " in f.path or not f.path.isascii()
        extra = f.readable and set(f.columns) - set(contract_columns(f.dataset))
        sig["schema_drift"] += bool(extra)
    sig["missing_success"] = _missing_markers(root)
    main_tx = [
        f
        for f in files
        if f.kind == "daily" and f.dataset == "transactions" and _is_main_file(f.path)
    ]
    sig["late_partition"] = _late_files(main_tx)
    return sig
