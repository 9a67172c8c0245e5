"""Generated files: deterministic, laid out as the contract says, counted right in the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from deltalake import DeltaTable
from sample_reader import list_data_files, load

from scout_lab.sample import FAULTS, SampleConfig, generate
from scout_lab.sample.config import parse_formats

SMALL = {"seed": 11, "days": 3, "transactions_per_day": 50, "stores": 8, "customers": 60}


def _generate(root: Path, **options: Any) -> dict:
    return generate(SampleConfig(dest=str(root), **{**SMALL, **options}))


def _digests(root: Path) -> dict[str, str]:
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "avro"])
def test_generate_same_seed_gives_same_bytes(tmp_path: Path, fmt: str) -> None:
    options = {
        "formats": parse_formats(fmt),
        "faults": frozenset(FAULTS),
        "layout": "hive",
        "with_incremental": True,
        "with_archive": True,
        "archive_days": 2,
    }
    _generate(tmp_path / "a", **options)
    _generate(tmp_path / "b", **options)
    _generate(tmp_path / "c", **{**options, "seed": 12})
    first, second, other = (_digests(tmp_path / x) for x in "abc")
    assert first == second
    assert len(first) > 40
    changed = {p for p in first.keys() & other.keys() if first[p] != other[p]}
    assert "transactions/dt=2024-01-01/part-00000." + fmt in changed


def test_generate_same_seed_gives_same_delta_rows(tmp_path: Path) -> None:
    for run in ("a", "b"):
        _generate(tmp_path / run, formats=parse_formats("delta"))
    for rel in ("transactions/2024/01/02/data.delta", "customers/segments.delta"):
        a, b = (DeltaTable(str(tmp_path / run / rel)).to_pyarrow_table() for run in "ab")
        assert a.num_rows > 0
        assert a.equals(b)


def test_generate_date_folders_paths_follow_the_contract(tmp_path: Path) -> None:
    _generate(tmp_path, with_archive=True, archive_days=2)
    days = ["2024/01/01", "2024/01/02", "2024/01/03"]
    expected = {
        *(f"{ds}/{d}/data.parquet" for ds in ("transactions", "items") for d in days),
        "archive/2023/transactions/2023/12/30/data.parquet",
        "archive/2023/transactions/2023/12/31/data.parquet",
        "customers/segments.parquet",
        "stores/stores.parquet",
        "_manifest.json",
    }
    assert set(_digests(tmp_path)) == expected


def test_generate_hive_paths_parts_and_markers(tmp_path: Path) -> None:
    _generate(
        tmp_path,
        layout="hive",
        max_rows_per_file=20,
        with_incremental=True,
        formats=parse_formats("transactions=csv"),
    )
    files = set(_digests(tmp_path))
    partition = tmp_path / "transactions/dt=2024-01-02"
    names = sorted(p.name for p in partition.iterdir())
    parts = [n for n in names if n != "_SUCCESS"]
    assert "_SUCCESS" in names
    assert parts == [f"part-{i:05d}.csv" for i in range(len(parts))] and len(parts) >= 2
    marker_time = (partition / "_SUCCESS").stat().st_mtime
    assert all((partition / p).stat().st_mtime < marker_time for p in parts)
    assert "items/dt=2024-01-03/_SUCCESS" in files
    hourly = sorted(f for f in files if f.startswith("incremental/"))
    assert hourly and all(
        f.startswith("incremental/hour=2024-01-04-") and f.endswith("/part-00000.csv")
        for f in hourly
    )
    assert not any(f.startswith("transactions/dt=2024-01-04") for f in files)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "avro", "delta"])
def test_generate_manifest_rows_equal_file_contents(tmp_path: Path, fmt: str) -> None:
    manifest = _generate(
        tmp_path,
        formats=parse_formats(fmt),
        faults=frozenset(FAULTS),
        layout="hive",
        with_incremental=True,
    )
    found = {f.path: f for f in load(tmp_path)}
    entries = {e["path"]: e for e in manifest["files"] if e["kind"] != "marker"}
    assert set(entries) == set(found)
    assert set(list_data_files(tmp_path)) == set(found)
    for path, entry in entries.items():
        f = found[path]
        held = len(f.rows) + sum(f.bad_lines.values()) if f.readable else 0
        assert (path, entry["rows"]) == (path, held)
        assert f.readable == ("corrupt" not in entry)
    for dataset in ("transactions", "items", "customers", "stores"):
        held = sum(e["rows"] for e in entries.values() if e["dataset"] == dataset)
        assert manifest["rows"][dataset] == held > 0


def test_generate_incremental_day_lands_hour_by_hour(tmp_path: Path) -> None:
    manifest = _generate(tmp_path, with_incremental=True)
    hourly = [e for e in manifest["files"] if e["kind"] == "hourly"]
    assert {e["date"] for e in hourly} == {"2024-01-04"}
    for e in hourly:
        hour = int(e["path"].split("hour=2024-01-04-")[1][:2])
        landed = dt.datetime.fromisoformat(e["delivered_at"])
        assert landed == dt.datetime(2024, 1, 4, hour, 5, tzinfo=landed.tzinfo) + dt.timedelta(
            hours=1
        )
    daily_rows = sum(
        e["rows"]
        for e in manifest["files"]
        if e["kind"] == "daily" and e["dataset"] == "transactions"
    )
    assert daily_rows == 150
    assert manifest["rows"]["transactions"] == daily_rows + sum(e["rows"] for e in hourly)
