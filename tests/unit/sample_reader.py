"""Independent reader of generated sample data for tests: files, rows and fault signatures.

It shares no code with the generator beyond the contract schemas, so tests that compare
its findings with the manifest check the generator rather than restate it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import fastavro
import pyarrow.parquet as pq
from deltalake import DeltaTable

from scout_spark.schemas import SCHEMAS

MANILA = dt.timezone(dt.timedelta(hours=8))
DATE_FOLDER = re.compile(r"(\d{4})/(\d{2})/(\d{2})/[^/]+$")
HIVE_FOLDER = re.compile(r"dt=(\d{4}-\d{2}-\d{2})/[^/]+$")
HOUR_FOLDER = re.compile(r"hour=(\d{4}-\d{2}-\d{2})-(\d{2})/[^/]+$")


@dataclass
class FileData:
    """One data file (or Delta folder) with its rows and the lines it could not parse."""

    path: str
    dataset: str
    kind: str  # daily, incremental, archive, snapshot
    day: dt.date | None
    mtime: float
    size: int
    readable: bool = True
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: Counter[str] = field(default_factory=Counter)


def _classify(rel: str) -> tuple[str, str, dt.date | None]:
    parts = rel.split("/")
    if parts[0] == "incremental":
        m = HOUR_FOLDER.search(rel)
        return "transactions", "incremental", dt.date.fromisoformat(m.group(1)) if m else None
    kind, dataset = ("archive", parts[2]) if parts[0] == "archive" else ("daily", parts[0])
    if dataset in ("customers", "stores"):
        return dataset, "snapshot", None
    if m := HIVE_FOLDER.search(rel):
        return dataset, kind, dt.date.fromisoformat(m.group(1))
    m = DATE_FOLDER.search(rel)
    return dataset, kind, dt.date(*map(int, m.groups())) if m else None


def _text_lines(raw: bytes, f: FileData, parse: Any) -> None:
    for line in raw.splitlines():
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            f.bad_lines["utf8"] += 1
            continue
        row = parse(text)
        if row is not None:
            f.rows.append(row)


def _read_csv(raw: bytes, f: FileData) -> None:
    header, _, body = raw.partition(b"\n")
    f.columns = next(csv.reader([header.decode("utf-8")]))

    def parse(text: str) -> dict[str, Any] | None:
        fields = next(csv.reader([text]))
        if len(fields) != len(f.columns):
            f.bad_lines["field_count"] += 1
            return None
        return dict(zip(f.columns, fields, strict=True))

    _text_lines(body, f, parse)


def _read_jsonl(raw: bytes, f: FileData) -> None:
    def parse(text: str) -> dict[str, Any] | None:
        try:
            row = json.loads(text, parse_float=str, parse_int=str)
        except json.JSONDecodeError:
            f.bad_lines["json"] += 1
            return None
        f.columns = f.columns or list(row)
        return row

    _text_lines(raw, f, parse)


def _read_typed(path: Path, f: FileData) -> None:
    if path.is_dir():
        table = DeltaTable(str(path)).to_pyarrow_table()
    elif path.suffix == ".avro":
        with path.open("rb") as fo:
            reader = fastavro.reader(fo)
            f.rows = list(reader)
            f.columns = [x["name"] for x in reader.writer_schema["fields"]]
        return
    else:
        table = pq.read_table(path)
    f.columns, f.rows = table.column_names, table.to_pylist()


def read_file(root: Path, rel: str) -> FileData:
    """Read one file (or Delta folder) below `root`."""
    path = root / rel
    dataset, kind, day = _classify(rel)
    size = 0 if path.is_dir() else path.stat().st_size
    f = FileData(rel, dataset, kind, day, path.stat().st_mtime, size)
    try:
        if path.suffix == ".csv":
            _read_csv(path.read_bytes(), f)
        elif path.suffix == ".jsonl":
            _read_jsonl(path.read_bytes(), f)
        else:
            _read_typed(path, f)
    except Exception:  # any reader failure is what a corrupt file looks like
        f.readable = False
    if size == 0 and not path.is_dir():
        f.readable = False
    return f


def list_data_files(root: Path) -> list[str]:
    """Relative paths of data files and Delta folders (no markers, no manifest)."""
    out = []
    for folder, dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        for d in list(dirs):
            if d.endswith(".delta"):
                out.append(f"{rel_folder}/{d}")
                dirs.remove(d)
        out += [f"{rel_folder}/{n}" for n in files if n not in ("_SUCCESS", "_manifest.json")]
    return sorted(p.removeprefix("./") for p in out)


def load(root: Path) -> list[FileData]:
    """Every data file below `root`, read."""
    return [read_file(root, rel) for rel in list_data_files(root)]


def as_ts(value: Any) -> dt.datetime | None:
    """A timestamp value (typed, or ISO-8601 text; naive text is Asia/Manila) or None."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=MANILA)


def as_decimal(value: Any) -> Decimal | None:
    """A money value (typed or text) or None when it is not a plain number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def tx_rules(row: dict[str, Any], now: dt.datetime) -> list[str]:
    """Silver rules a transaction row breaks (pipeline_semantics.md)."""
    broken = []
    if not row.get("transaction_id"):
        broken.append("transaction_id_non_empty")
    if not row.get("store_id"):
        broken.append("store_id_non_empty")
    ts = as_ts(row.get("timestamp"))
    if ts is None or not dt.datetime(2015, 1, 1, tzinfo=dt.UTC) <= ts <= now + dt.timedelta(1):
        broken.append("timestamp_valid")
    amount = as_decimal(row.get("total_amount"))
    if amount is None or not 0 <= amount <= 1_000_000:
        broken.append("total_amount_valid")
    return broken


def item_rules(row: dict[str, Any]) -> list[str]:
    """Silver rules an item row breaks."""
    checks = {
        "quantity_positive": int(row["quantity"]) > 0,
        "unit_price_non_negative": as_decimal(row["unit_price"]) >= 0,
        "line_amount_non_negative": as_decimal(row["line_amount"]) >= 0,
        "line_number_positive": int(row["line_number"]) >= 1,
    }
    return [name for name, ok in checks.items() if not ok]


def contract_columns(dataset: str) -> list[str]:
    """Column names of a dataset in the source contract."""
    return SCHEMAS[dataset].fieldNames()


def rows_by_dataset(files: list[FileData], kinds: tuple[str, ...] = ("daily",)) -> dict:
    """Rows of readable files per dataset, each tagged with its file."""
    out: dict[str, list[tuple[FileData, dict[str, Any]]]] = defaultdict(list)
    for f in files:
        if f.readable and f.kind in kinds:
            out[f.dataset] += [(f, r) for r in f.rows]
    return out
