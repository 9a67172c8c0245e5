"""Generate a whole landing zone day by day, holding at most one day's rows in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from scout_lab.sample.baskets import DayData, generate_day
from scout_lab.sample.config import SampleConfig
from scout_lab.sample.deliveries import (
    Delivery,
    at,
    hourly_deliveries,
    partition_deliveries,
    shift_days,
)
from scout_lab.sample.dimensions import Dimensions, build_dimensions
from scout_lab.sample.drift import with_drift_column
from scout_lab.sample.encode import EXTENSIONS
from scout_lab.sample.faultkit import FaultRecord
from scout_lab.sample.faultplan import FaultPlan, build_plan
from scout_lab.sample.filefaults import apply_faults
from scout_lab.sample.layout import snapshot_path
from scout_lab.sample.manifest import MANIFEST_NAME, Ledger, manifest_bytes
from scout_lab.sample.seasonality import daily_counts, extra_day_count
from scout_lab.sample.storage import Destination, DestinationError
from scout_lab.sample.timeutil import day_range, manila_iso
from scout_lab.sample.writer import DeliveryWriter

TX = "transactions"


def _rng(seed: int, day: dt.date, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, day.toordinal(), stream])


def _base_day(
    cfg: SampleConfig, plan: FaultPlan, dims: Dimensions, day: dt.date, n: int
) -> DayData:
    data = generate_day(_rng(cfg.seed, day, 1), dims, day, n)
    if plan.drift_from is not None and day >= plan.drift_from:
        tx = with_drift_column(data.transactions, _rng(cfg.seed, day, 3))
        data = DayData(day, tx, data.items)
    return data


def _capped_ids(table: pa.Table, cap: int) -> list[str]:
    return table.column("transaction_id").slice(0, cap).to_pylist()


class _Run:
    """One generator run: the plan, the dimensions, and what has been written."""

    def __init__(self, cfg: SampleConfig, dest: Destination) -> None:
        self.cfg = cfg
        self.plan = build_plan(cfg)
        self.days = day_range(cfg.start_date, cfg.days)
        self.archive_days = (
            day_range(cfg.start_date - dt.timedelta(days=cfg.archive_days), cfg.archive_days)
            if cfg.with_archive
            else []
        )
        self.live_day = cfg.end_date + dt.timedelta(days=1) if cfg.with_incremental else None
        first = self.archive_days[0] if self.archive_days else cfg.start_date
        last = self.live_day or cfg.end_date
        dims_rng = np.random.default_rng([cfg.seed, 0])
        self.dims = build_dimensions(dims_rng, cfg.stores, cfg.customers, first, last)
        self.ledger = Ledger(cfg, self.plan)
        self.writer = DeliveryWriter(dest, self.ledger, cfg.seed)

    def snapshot(self, dataset: str, table: pa.Table, landed: int) -> None:
        fmt = self.cfg.fmt(dataset)
        path = snapshot_path(dataset, EXTENSIONS[fmt])
        self.writer.write(Delivery(dataset, "snapshot", path, fmt, table, landed))

    def daily(self, day: dt.date, n: int) -> list[Delivery]:
        """Write one day; return the transaction deliveries held back when it is the late day."""
        cfg, plan = self.cfg, self.plan
        base = _base_day(cfg, plan, self.dims, day, n)
        data, side, injections, records = apply_faults(
            base, plan, _rng(cfg.seed, day, 2), cfg.fault_count
        )
        for rec in records:
            self.ledger.record(rec)
        complete = day != plan.pending_day
        out: list[Delivery] = []
        for dataset, table in ((TX, data.transactions), ("items", data.items)):
            out += partition_deliveries(
                cfg, dataset, day, table, side, injections, complete=complete
            )
        if day == plan.hourly_day:
            out += hourly_deliveries(cfg, day, data.transactions, "hourly_then_daily")
            ids = _capped_ids(data.transactions, cfg.id_cap)
            count = data.transactions.num_rows
            self.ledger.record(FaultRecord("hourly_then_daily", TX, count, ids))
        if day == plan.pending_day:
            pending = FaultRecord(
                "missing_success", "transactions,items", 2, [], {"date": str(day)}
            )
            self.ledger.record(pending)
        is_late = day == plan.late_day
        held = [d for d in out if is_late and d.dataset == TX and d.kind != "hourly"]
        self.writer.write_all([d for d in out if d not in held])
        self.ledger.close_day("items", day)
        if not held:
            self.ledger.close_day(TX, day)
        return held

    def late(self, held: list[Delivery], day: dt.date) -> None:
        """Land the late day's transaction files after everything else."""
        shift_days(held, (self.cfg.end_date - day).days + 2)
        self.writer.write_all(held)
        self.ledger.close_day(TX, day)
        files = [d.path for d in held if d.table is not None]
        details = {"date": str(day), "delivered_at": manila_iso(held[0].delivered_at)}
        self.ledger.record(FaultRecord("late_partition", TX, len(files), [], details))
        self.ledger.add_fault_files("late_partition", files)

    def live(self, day: dt.date) -> None:
        """The in-progress day: transactions only in hourly increments, no daily file yet."""
        n = extra_day_count(day, self.cfg.transactions_per_day, self.cfg.seed, self.days)
        data = _base_day(self.cfg, self.plan, self.dims, day, n)
        self.writer.write_all(hourly_deliveries(self.cfg, day, data.transactions))
        self.ledger.close_day(TX, day)

    def archive(self, day: dt.date) -> None:
        """A backfill day under `archive/YYYY/transactions/...` (ingested only on demand)."""
        n = extra_day_count(day, self.cfg.transactions_per_day, self.cfg.seed, self.days)
        data = _base_day(self.cfg, self.plan, self.dims, day, n)
        landed = at(self.cfg.end_date, 36)
        for d in partition_deliveries(self.cfg, TX, day, data.transactions, [], [], archive=True):
            d.delivered_at += landed - at(day, 25)
            self.writer.write(d)


def generate(cfg: SampleConfig, overwrite: bool = False) -> dict[str, Any]:
    """Write every dataset, then `_manifest.json`; return the manifest."""
    dest = Destination.open(cfg.dest, cfg.s3_endpoint)
    if not dest.is_empty():
        if not overwrite:
            raise DestinationError(f"{cfg.dest} is not empty; pass overwrite to replace it")
        if not dest.exists(MANIFEST_NAME):
            raise DestinationError(
                f"refusing to empty {cfg.dest}: it holds no {MANIFEST_NAME} of an earlier run"
            )
        dest.clear()
    run = _Run(cfg, dest)
    run.snapshot("stores", run.dims.stores, at(cfg.start_date, -2))
    held: list[Delivery] = []
    counts = daily_counts(run.days, cfg.transactions_per_day, cfg.seed)
    for day, n in zip(run.days, counts, strict=True):
        held = run.daily(day, int(n)) or held
    run.snapshot("customers", run.dims.customers, at(cfg.end_date, 24.5))
    if run.live_day:
        run.live(run.live_day)
    for day in run.archive_days:
        run.archive(day)
    if held:
        run.late(held, run.plan.late_day)
    extra = {
        "customers_scheme": (
            "one file holds every version of every customer (updated_at ascending per "
            "customer); the first version predates the first transaction date"
        ),
        "customer_versions": run.dims.customers.num_rows,
        "distinct_customers": cfg.customers,
    }
    manifest = run.ledger.manifest(extra)
    dest.write(MANIFEST_NAME, manifest_bytes(manifest))
    return manifest
