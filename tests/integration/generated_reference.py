"""No tests here: the generator's landing zone read back in plain Python (no Spark).

The generated-data tests compare the pipeline's tables with what the source contract and
pipeline_semantics.md say the generator's files imply; this module reads those files with
pyarrow, csv and json and applies the silver rules the gold reference needs.
"""

import csv
import json
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from gold_reference import MANILA, SilverRows

from scout_lab.sample.cli import main as generate_sample
from scout_spark.config import Config

PAYMENT_METHODS = ("cash", "gcash", "maya", "card")
Record = dict[str, Any]


def generate(dest: Path, *options: str) -> dict[str, Any]:
    """Run the sample generator into `dest` and return its manifest."""
    assert generate_sample(["--dest", str(dest), *options]) == 0
    return json.loads((dest / "_manifest.json").read_text(encoding="utf-8"))


def generated_lake(test_config: Config, root: Path, *options: str) -> tuple[Config, dict[str, Any]]:
    """Sample data generated into root/landing, and the config reading it, lake in root/lake."""
    landing = root / "landing"
    manifest = generate(landing, *options)
    config = replace(
        test_config,
        source=replace(test_config.source, root=f"{landing.as_uri()}/"),
        lake=replace(test_config.lake, root=f"{(root / 'lake').as_uri()}/"),
    )
    return config, manifest


def relative(source_file: str, landing: Path) -> str:
    """A bronze/silver `_source_file` URI as the manifest names it (relative to the landing)."""
    local = source_file.removeprefix("file://").removeprefix("file:")
    return local.removeprefix(f"{landing}/")


def read_records(landing: Path, entry: dict[str, Any]) -> list[Record]:
    """The rows of one landed file that parse (a broken line or row is left out)."""
    path = landing / entry["path"]
    if entry["format"] == "parquet":
        return pq.read_table(path).to_pylist()
    text = path.read_bytes().decode("utf-8", errors="replace")
    if entry["format"] == "csv":
        rows = csv.DictReader(text.splitlines())
        return [r for r in rows if None not in r and None not in r.values()]
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def landed_records(landing: Path, manifest: dict[str, Any], dataset: str) -> list[Record]:
    """Rows of every file of `dataset` that bronze ingests (readable, ingest=true)."""
    return [
        record
        for entry in manifest["files"]
        if entry["dataset"] == dataset and entry["ingest"] and entry["rows"] > 0
        for record in read_records(landing, entry)
    ]


def text(value: Any) -> str | None:
    """Text as silver keeps it: empty or blank becomes null."""
    return None if value is None or str(value).strip() == "" else str(value)


def instant(value: Any) -> datetime | None:
    """An aware UTC instant: text with an offset honoured, naive text in Asia/Manila."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    parsed = datetime.fromisoformat(value.strip())
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=MANILA)).astimezone(UTC)


def payment_method(value: Any) -> str:
    """Trim, lower-case; null or empty is cash; outside the default set is other."""
    cleaned = (value or "").strip().lower()
    if not cleaned:
        return "cash"
    return cleaned if cleaned in PAYMENT_METHODS else "other"


def _unique(rows: list[tuple], width: int) -> list[tuple]:
    keys = [row[:width] for row in rows]
    assert len(set(keys)) == len(keys), "the reference expects no re-sent rows (faults none)"
    return rows


def _transaction(r: Record) -> tuple:
    return (r["transaction_id"], r["store_id"], text(r["customer_id"]), instant(r["timestamp"]),
            Decimal(str(r["total_amount"])), payment_method(r["payment_method"]),
            instant(r["updated_at"]), *(None,) * 5)  # fmt: skip


def _item(r: Record) -> tuple:
    names = ("product_id", "product_name", "brand", "category")
    return (r["transaction_id"], int(r["line_number"]), *(text(r[n]) for n in names),
            int(r["quantity"]), Decimal(str(r["unit_price"])), Decimal(str(r["line_amount"])),
            instant(r["updated_at"]), *(None,) * 5)  # fmt: skip


def _customer_history(records: list[Record]) -> list[tuple]:
    """SCD type 2 ordered by updated_at: each version valid until the next one."""
    versions: dict[str, list[tuple]] = defaultdict(list)
    for r in records:
        versions[r["customer_id"]].append((instant(r["updated_at"]), text(r["segment"]),
                                           text(r["region"])))  # fmt: skip
    history = []
    for cid, rows in versions.items():
        rows.sort(key=lambda v: v[0])
        ends = [v[0] for v in rows[1:]] + [None]
        history += [(cid, segment, region, at, at, end, end is None)
                     for (at, segment, region), end in zip(rows, ends, strict=True)]  # fmt: skip
    return history


def _store(r: Record) -> tuple:
    names = ("store_id", "store_name", "region", "province", "city", "barangay", "store_type")
    return (*(text(r[n]) for n in names), None, None, None, None)


def silver_from_landing(landing: Path, manifest: dict[str, Any]) -> SilverRows:
    """What silver must hold for a fault-free landing, in the SILVER_* tuple shapes."""
    records = {d: landed_records(landing, manifest, d) for d in manifest["rows"]}
    assert {d: len(r) for d, r in records.items()} == manifest["rows"], "a row did not parse"
    return SilverRows(
        transactions=_unique([_transaction(r) for r in records["transactions"]], 1),
        items=_unique([_item(r) for r in records["items"]], 2),
        customers=_customer_history(records["customers"]),
        stores=_unique([_store(r) for r in records["stores"]], 1),
    )
