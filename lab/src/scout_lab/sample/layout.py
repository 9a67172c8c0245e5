"""Paths of the source contract's layouts, relative to the destination root."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SNAPSHOT_NAMES = {"customers": "segments", "stores": "stores"}
ODD_SUFFIX = " (copy) Niño"  # a space, brackets and a non-ASCII letter


def partition_dir(layout: str, dataset: str, day: dt.date, archive: bool = False) -> str:
    """Folder of one day: `dataset/YYYY/MM/DD` or `dataset/dt=YYYY-MM-DD`, maybe archived."""
    folder = f"{dataset}/{day:%Y/%m/%d}" if layout == "date_folders" else f"{dataset}/dt={day}"
    return f"archive/{day.year}/{folder}" if archive else folder


def hourly_dir(day: dt.date, hour: int) -> str:
    """Folder of one hour of intraday transactions (Asia/Manila hour)."""
    return f"incremental/hour={day}-{hour:02d}"


def snapshot_path(dataset: str, ext: str) -> str:
    """`customers/segments.<ext>` or `stores/stores.<ext>`."""
    return f"{dataset}/{SNAPSHOT_NAMES[dataset]}.{ext}"


@dataclass
class PartitionFiles:
    """Names files inside one partition folder in delivery order."""

    layout: str
    folder: str
    ext: str
    count: int = 0

    def next(self, tag: str | None = None, odd: bool = False) -> str:
        """Path of the next file: the main file first, then re-deliveries and extras."""
        index, self.count = self.count, self.count + 1
        if self.layout == "hive" or self.folder.startswith("incremental/"):
            stem = f"part-{index:05d}"
        else:
            plain = (index == 0 and tag is None) or odd
            stem = "data" if plain else f"data-{tag or index}"
        return f"{self.folder}/{stem}{ODD_SUFFIX if odd else ''}.{self.ext}"

    @property
    def success(self) -> str:
        """The completeness marker of a Hive partition."""
        return f"{self.folder}/_SUCCESS"
