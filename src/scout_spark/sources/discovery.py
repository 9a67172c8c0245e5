"""Find a dataset's landed files: globs, completeness markers, archive date ranges."""

import fnmatch
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from scout_spark.config.model import DatasetSource
from scout_spark.date_range import DateRange
from scout_spark.runtime.filesystem import FileEntry, HadoopFs

FORMATS_BY_EXTENSION = {
    "parquet": "parquet",
    "csv": "csv",
    "json": "json",
    "jsonl": "json",
    "ndjson": "json",
    "avro": "avro",
    "delta": "delta",
}
_PATH_DATES = (
    re.compile(r"(?:dt|hour)=(\d{4})-(\d{2})-(\d{2})"),
    re.compile(r"/(\d{4})/(\d{2})/(\d{2})/"),
)
_DELTA_VERSION = re.compile(r"/(\d{20})\.json$")


@dataclass(frozen=True)
class SourceFile:
    """A landed file (or Delta table, identified by its version) and how to read it."""

    path: str
    size: int
    modified_at: datetime
    format: str | None  # None: unknown extension


@dataclass(frozen=True)
class WaitingPartition:
    """A partition folder whose completeness marker has not appeared yet."""

    folder: str
    files: int
    age_seconds: float


@dataclass(frozen=True)
class Discovery:
    """What one listing found: ready files and partitions still being written."""

    files: list[SourceFile]
    waiting: list[WaitingPartition]


def format_of(path: str) -> str | None:
    """Reader format from the file extension (case-insensitive)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return FORMATS_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


def date_of(path: str) -> date | None:
    """The business date a path names (dt=, hour= or YYYY/MM/DD), if any."""
    for pattern in _PATH_DATES:
        found = pattern.findall(path)
        if found:
            year, month, day = found[-1]
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


def _is_hidden(path: str) -> bool:
    return path.rstrip("/").rsplit("/", 1)[-1].startswith(("_", "."))


def _delta_source(fs: HadoopFs, entry: FileEntry) -> SourceFile | None:
    """A Delta table folder as one source unit; its 'size' is its latest version."""
    commits = fs.glob(f"{entry.path}/_delta_log/*.json")
    versions = [(int(m.group(1)), c) for c in commits if (m := _DELTA_VERSION.search(c.path))]
    if not versions:
        return None
    version, commit = max(versions, key=lambda v: v[0])
    return SourceFile(entry.path, version, commit.modified_at, "delta")


def discover(
    fs: HadoopFs,
    root: str,
    source: DatasetSource,
    marker_file: str,
    *,
    backfill: DateRange | None = None,
) -> Discovery:
    """List the dataset's files under `root`; with `backfill`, its archive files in range."""
    root = fs.qualify(root).rstrip("/")
    patterns = source.archive if backfill else source.patterns
    by_folder: dict[str, list[SourceFile]] = {}
    for pattern in patterns:
        for entry in fs.glob(f"{root}/{pattern}"):
            if _is_hidden(entry.path):
                continue
            if entry.is_dir:
                unit = _delta_source(fs, entry)
                if unit is None:
                    continue
            else:
                unit = SourceFile(entry.path, entry.size, entry.modified_at, format_of(entry.path))
            day = date_of(unit.path)
            if backfill and day not in backfill:
                continue
            by_folder.setdefault(unit.path.rsplit("/", 1)[0], []).append(unit)
    ready: list[SourceFile] = []
    waiting: list[WaitingPartition] = []
    now = datetime.now(UTC)
    for folder, units in sorted(by_folder.items()):
        relative = folder[len(root) + 1 :] if folder.startswith(root) else folder
        gated = any(fnmatch.fnmatchcase(relative, g) for g in source.marker_required)
        if gated and not fs.exists(f"{folder}/{marker_file}"):
            newest = max(u.modified_at for u in units)
            waiting.append(WaitingPartition(folder, len(units), (now - newest).total_seconds()))
            continue
        ready.extend(sorted(units, key=lambda u: u.path))
    return Discovery(ready, waiting)
