"""Which fault lands where: special days, per-day row counts, and faults that cannot apply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from scout_lab.sample.config import (
    ITEM_RULE_FAULTS,
    TEXT_FORMATS,
    TRANSACTION_RULE_FAULTS,
    SampleConfig,
)
from scout_lab.sample.timeutil import day_range

# Faults that take `fault_count` transactions of a day (spread over eligible days).
ROW_FAULTS = (
    *TRANSACTION_RULE_FAULTS,
    *ITEM_RULE_FAULTS,
    "duplicate_rows",
    "correction",
    "out_of_order_correction",
    "orphan_items",
    "tz_midnight",
)
# Faults that add `fault_count` injected lines to one day's main file.
LINE_FAULTS = ("csv_field_count", "bad_json_line", "non_utf8")
# Faults that add one extra file (holding re-sent rows) to one day's partition.
EXTRA_FILE_FAULTS = ("truncated_file", "zero_byte_file", "odd_file_name")
TEXT_ONLY_ROW_FAULTS = ("unparseable_timestamp", "non_numeric_amount")
FILE_FAULT_FORMATS = {
    "csv_field_count": {"csv"},
    "bad_json_line": {"jsonl"},
    "non_utf8": set(TEXT_FORMATS),
    "truncated_file": {"parquet", "avro"},
    "zero_byte_file": {"parquet", "csv", "jsonl", "avro"},
    "odd_file_name": {"parquet", "csv", "jsonl", "avro"},
}


@dataclass
class FaultPlan:
    """Placement of every requested fault; `skipped` says why a requested one cannot apply."""

    per_day: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    file_fault_dataset: dict[str, str] = field(default_factory=dict)
    pending_day: dt.date | None = None
    hourly_day: dt.date | None = None
    late_day: dt.date | None = None
    drift_from: dt.date | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    def counts(self, day: dt.date) -> dict[str, int]:
        """Faults and unit counts placed on a day."""
        return self.per_day.get(day, {})


def _file_fault_dataset(cfg: SampleConfig, fault: str) -> str | None:
    for dataset in ("transactions", "items"):
        if cfg.fmt(dataset) in FILE_FAULT_FORMATS[fault]:
            return dataset
    return None


def build_plan(cfg: SampleConfig) -> FaultPlan:
    """Place the configured faults deterministically from the seed."""
    plan = FaultPlan()
    faults = cfg.faults
    days = day_range(cfg.start_date, cfg.days)
    if "missing_success" in faults:
        if cfg.layout == "hive":
            plan.pending_day = days[-1]
        else:
            plan.skipped["missing_success"] = "only the hive layout has _SUCCESS markers"
    if "hourly_then_daily" in faults:
        plan.hourly_day = days[-2] if len(days) >= 2 else days[-1]
    if "late_partition" in faults:
        plan.late_day = days[1] if len(days) >= 3 else days[0]
    if "schema_drift" in faults:
        plan.drift_from = days[len(days) // 2]
    eligible = [d for d in days if d != plan.pending_day] or days
    rng = np.random.default_rng([cfg.seed, 0x0FA17])
    tx_text = cfg.fmt("transactions") in TEXT_FORMATS
    for fault in ROW_FAULTS:
        if fault not in faults:
            continue
        if fault in TEXT_ONLY_ROW_FAULTS and not tx_text:
            plan.skipped[fault] = "transactions are not in a text format (csv, jsonl)"
            continue
        spread = rng.multinomial(cfg.fault_count, np.full(len(eligible), 1 / len(eligible)))
        for day, count in zip(eligible, spread, strict=True):
            if count:
                plan.per_day.setdefault(day, {})[fault] = int(count)
    for fault in (*LINE_FAULTS, *EXTRA_FILE_FAULTS):
        if fault not in faults:
            continue
        dataset = _file_fault_dataset(cfg, fault)
        if dataset is None:
            formats = ", ".join(sorted(FILE_FAULT_FORMATS[fault]))
            plan.skipped[fault] = f"needs transactions or items in one of: {formats}"
            continue
        plan.file_fault_dataset[fault] = dataset
        day = eligible[int(rng.integers(0, len(eligible)))]
        units = cfg.fault_count if fault in LINE_FAULTS else 1
        if units:
            plan.per_day.setdefault(day, {})[fault] = units
    return plan
