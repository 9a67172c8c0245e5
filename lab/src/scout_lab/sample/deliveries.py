"""Turn a day's tables into deliveries: which file, which rows, when it lands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from scout_lab.sample.config import SampleConfig
from scout_lab.sample.encode import EXTENSIONS
from scout_lab.sample.faultkit import Injection, SideTable
from scout_lab.sample.layout import PartitionFiles, hourly_dir, partition_dir
from scout_lab.sample.timeutil import (
    MICROS_PER_DAY,
    MICROS_PER_HOUR,
    MICROS_PER_SECOND,
    manila_hour,
    manila_midnight_micros,
)

MAIN_DELAY_HOURS = {"transactions": 25.0, "items": 25.5}  # 01:00 and 01:30 the next day


@dataclass
class Delivery:
    """One file (or Delta folder, or `_SUCCESS` marker) and when it lands."""

    dataset: str
    kind: str  # daily, hourly, archive, snapshot, marker, or a re-send tag
    path: str
    fmt: str
    table: pa.Table | None
    delivered_at: int  # microseconds since the epoch (UTC)
    day: dt.date | None = None
    fault: str | None = None
    corrupt: str | None = None
    ingest: bool = True
    injections: list[Injection] = field(default_factory=list)


def at(day: dt.date, hours: float) -> int:
    """Instant `hours` after 00:00 Asia/Manila of `day`."""
    return manila_midnight_micros(day) + round(hours * MICROS_PER_HOUR)


def _parts(table: pa.Table, max_rows: int, hive: bool) -> list[pa.Table]:
    if not hive or table.num_rows <= max_rows:
        return [table]
    return [table.slice(i, max_rows) for i in range(0, table.num_rows, max_rows)]


def partition_deliveries(
    cfg: SampleConfig,
    dataset: str,
    day: dt.date,
    table: pa.Table,
    extras: list[SideTable],
    injections: list[Injection],
    *,
    complete: bool = True,
    archive: bool = False,
) -> list[Delivery]:
    """Main file(s) of a day's partition, its marker, then the extra files in landing order."""
    fmt = cfg.fmt(dataset)
    hive = cfg.layout == "hive"
    files = PartitionFiles(
        cfg.layout, partition_dir(cfg.layout, dataset, day, archive), EXTENSIONS[fmt]
    )
    kind = "archive" if archive else "daily"
    landed = at(day, MAIN_DELAY_HOURS[dataset])
    parts = _parts(table, cfg.max_rows_per_file, hive)
    out = [
        Delivery(
            dataset=dataset,
            kind=kind,
            path=files.next(),
            fmt=fmt,
            table=part,
            delivered_at=landed + i * MICROS_PER_SECOND,
            day=day,
            ingest=complete and not archive,
        )
        for i, part in enumerate(parts)
    ]
    out[0].injections = [j for j in injections if j.dataset == dataset]
    if hive and complete:
        marker_at = out[-1].delivered_at + 60 * MICROS_PER_SECOND
        out.append(Delivery(dataset, "marker", files.success, "marker", None, marker_at, day))
    for side in sorted((s for s in extras if s.dataset == dataset), key=lambda s: s.delay_hours):
        path = files.next(side.tag, side.odd_name)
        landed_at = at(day, side.delay_hours)
        out.append(
            Delivery(
                dataset=dataset,
                kind=side.tag,
                path=path,
                fmt=fmt,
                table=side.table,
                delivered_at=landed_at,
                day=day,
                fault=side.fault,
                corrupt=side.corrupt,
                ingest=complete,
            )
        )
    return out


def hourly_deliveries(
    cfg: SampleConfig, day: dt.date, table: pa.Table, fault: str | None = None
) -> list[Delivery]:
    """Transactions split by Asia/Manila hour into `incremental/hour=.../part-00000.<ext>`."""
    fmt = cfg.fmt("transactions")
    micros = np.asarray(table.column("timestamp").cast(pa.int64()).fill_null(0))
    inside = (micros >= manila_midnight_micros(day)) & (micros < at(day, 24))
    # Rows whose timestamp is broken still arrive; they ride with the last hour.
    hour = np.where(inside, manila_hour(micros), 23)
    out = []
    for h in np.unique(hour):
        rows = np.flatnonzero(hour == h)
        files = PartitionFiles(cfg.layout, hourly_dir(day, int(h)), EXTENSIONS[fmt])
        landed = at(day, int(h) + 1) + 5 * 60 * MICROS_PER_SECOND
        part = table.take(pa.array(rows))
        out.append(Delivery("transactions", "hourly", files.next(), fmt, part, landed, day, fault))
    return out


def shift_days(deliveries: list[Delivery], days: int) -> None:
    """Make deliveries land `days` later (a late partition)."""
    for d in deliveries:
        d.delivered_at += days * MICROS_PER_DAY
