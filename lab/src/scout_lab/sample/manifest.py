"""The manifest: files written, rows per dataset, faults injected, and expected outcomes."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scout_lab.sample import columns as C
from scout_lab.sample.config import SampleConfig
from scout_lab.sample.deliveries import Delivery
from scout_lab.sample.drift import DRIFT_COLUMN
from scout_lab.sample.faultkit import FaultRecord
from scout_lab.sample.faultplan import EXTRA_FILE_FAULTS, LINE_FAULTS, FaultPlan
from scout_lab.sample.timeutil import manila_iso

MANIFEST_NAME = "_manifest.json"
ASSUMPTIONS = (
    "expected.* counts assume every file with ingest=true is read once (archive and "
    "partitions without _SUCCESS are not), unreadable files contribute no rows, and "
    "silver deduplicates by key keeping the latest updated_at"
)
FILE_UNIT_FAULTS = (*EXTRA_FILE_FAULTS, "late_partition", "schema_drift")
UNITS = {
    **dict.fromkeys(LINE_FAULTS, "lines"),
    **dict.fromkeys(FILE_UNIT_FAULTS, "files"),
    "missing_success": "partitions",
}  # every other fault counts rows


class Ledger:
    """Collects what the generator writes and derives the manifest from it."""

    def __init__(self, cfg: SampleConfig, plan: FaultPlan) -> None:
        self.cfg = cfg
        self.plan = plan
        self.files: list[dict[str, Any]] = []
        self.rows: Counter[str] = Counter()
        self.faults: dict[str, dict[str, Any]] = {}
        self._valid_keys: dict[tuple[str, dt.date], list[np.ndarray]] = defaultdict(list)
        self._stats: dict[str, Counter[str]] = defaultdict(Counter)
        self._rules: dict[str, Counter[str]] = defaultdict(Counter)
        self._unparseable: dict[str, Counter[str]] = defaultdict(Counter)
        for fault in sorted(cfg.faults):
            if fault not in plan.skipped:
                self.faults[fault] = {"count": 0, "unit": UNITS.get(fault, "rows"), "ids": []}

    def record(self, rec: FaultRecord) -> None:
        """Add one fault record (a day's share of a fault)."""
        entry = self.faults[rec.fault]
        entry["count"] += rec.count
        entry["dataset"] = rec.dataset
        room = self.cfg.id_cap - len(entry["ids"])
        entry["ids"].extend(rec.ids[: max(room, 0)])
        for key, value in rec.details.items():
            if isinstance(value, dict):
                mapping = entry.setdefault(key, {})
                mapping.update(list(value.items())[: max(self.cfg.id_cap - len(mapping), 0)])
            else:
                entry.setdefault(key, []).append(value)

    def add_fault_files(self, fault: str, paths: list[str]) -> None:
        """List files a fault affected that do not carry the fault themselves."""
        self.faults[fault].setdefault("files", []).extend(paths)

    def add_file(self, d: Delivery, rows: int, size: int, readable: bool) -> None:
        """Note one written file or folder and count what it holds."""
        entry: dict[str, Any] = {
            "path": d.path,
            "dataset": d.dataset,
            "format": d.fmt,
            "kind": d.kind,
            "rows": rows,
            "bytes": size,
            "date": str(d.day) if d.day else None,
            "delivered_at": manila_iso(d.delivered_at),
            "ingest": d.ingest,
        }
        if d.fault:
            entry["fault"] = d.fault
            self.faults[d.fault].setdefault("files", []).append(d.path)
        if d.corrupt:
            entry["corrupt"] = d.corrupt
            entry["intended_rows"] = d.table.num_rows if d.table is not None else 0
        for inj in d.injections:
            entry.setdefault("injected", {})[inj.fault] = inj.table.num_rows
            self.faults[inj.fault].setdefault("files", []).append(d.path)
        if d.table is not None and DRIFT_COLUMN in d.table.column_names:
            drift = self.faults["schema_drift"]
            drift["count"] += 1
            drift.setdefault("files", []).append(d.path)
        self.files.append(entry)
        self.rows[d.dataset] += rows
        if d.ingest and readable and d.table is not None:
            self._count_ingestible(d.dataset, d.day, d.table)
        if d.ingest:
            for inj in d.injections:
                self._unparseable[d.dataset][inj.fault] += inj.table.num_rows

    def _count_ingestible(self, dataset: str, day: dt.date | None, table: pa.Table) -> None:
        self._stats[dataset]["rows_ingestible"] += table.num_rows
        if C.RULE not in table.column_names:
            self._stats[dataset]["valid_rows"] += table.num_rows
            return
        rule = table.column(C.RULE)
        for item in pc.value_counts(rule.drop_null()).to_pylist():
            self._rules[dataset][item["values"]] += item["counts"]
        valid = np.asarray(pc.is_null(rule))
        self._stats[dataset]["valid_rows"] += int(valid.sum())
        keys = np.asarray(table.column(C.SEQ))[valid]
        if dataset == "items":
            keys = keys * 1000 + np.asarray(table.column("line_number"))[valid]
        self._valid_keys[(dataset, day)].append(keys)

    def close_day(self, dataset: str, day: dt.date) -> None:
        """All of a day's deliveries are in: count its distinct valid keys."""
        parts = self._valid_keys.pop((dataset, day), [])
        if parts:
            keys = np.sort(np.concatenate(parts))
            distinct = 1 + int(np.count_nonzero(keys[1:] != keys[:-1]))
            self._stats[dataset]["silver_rows"] += distinct

    def shortfall(self) -> dict[str, int]:
        """Planned fault units that found no transaction left to use (days too small)."""
        planned: Counter[str] = Counter()
        for counts in self.plan.per_day.values():
            planned.update(counts)
        return {
            fault: planned[fault] - self.faults[fault]["count"]
            for fault in sorted(planned)
            if planned[fault] > self.faults[fault]["count"]
        }

    def expected(self) -> dict[str, Any]:
        """Expected outcomes downstream, per dataset."""
        out: dict[str, Any] = {"assumptions": ASSUMPTIONS}
        for dataset in ("transactions", "items"):
            stats = self._stats[dataset]
            unparseable = self._unparseable[dataset]
            out[dataset] = {
                "rows_ingestible": stats["rows_ingestible"] + sum(unparseable.values()),
                "valid_rows": stats["valid_rows"],
                "silver_rows": stats["silver_rows"],
                "duplicates_collapsed": stats["valid_rows"] - stats["silver_rows"],
                "quarantine_rows": sum(self._rules[dataset].values()),
                "quarantine_by_rule": dict(sorted(self._rules[dataset].items())),
                "unparseable_rows": sum(unparseable.values()),
                "unparseable_by_fault": dict(sorted(unparseable.items())),
            }
        return out

    def manifest(self, extra: dict[str, Any]) -> dict[str, Any]:
        """The whole manifest as a JSON-ready dict."""
        cfg = self.cfg
        return {
            "generator": "scout_lab.sample",
            "manifest_version": 1,
            "params": {
                "seed": cfg.seed,
                "start_date": str(cfg.start_date),
                "days": cfg.days,
                "transactions_per_day": cfg.transactions_per_day,
                "stores": cfg.stores,
                "customers": cfg.customers,
                "layout": cfg.layout,
                "formats": dict(cfg.formats),
                "faults": sorted(cfg.faults),
                "fault_count": cfg.fault_count,
                "with_incremental": cfg.with_incremental,
                "with_archive": cfg.with_archive,
                "archive_days": cfg.archive_days,
                "max_rows_per_file": cfg.max_rows_per_file,
            },
            "time_zone": "Asia/Manila",
            **extra,
            "rows": {k: self.rows[k] for k in ("transactions", "items", "customers", "stores")},
            "faults": self.faults,
            "skipped_faults": dict(sorted(self.plan.skipped.items())),
            "fault_shortfall": self.shortfall(),
            "expected": self.expected(),
            "files": self.files,
        }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """Stable, readable JSON encoding of the manifest."""
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
