"""Each fault shows up in the files exactly as often as the manifest says, and only when asked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sample_reader import FileData, as_ts, item_rules, load, tx_rules
from sample_signatures import signatures

from scout_lab.sample import FAULTS, SampleConfig, generate
from scout_lab.sample.config import ITEM_RULE_FAULTS, TRANSACTION_RULE_FAULTS, parse_formats

BASE = {"seed": 7, "days": 4, "transactions_per_day": 60, "stores": 10, "customers": 100}
# Options under which a fault can show (its format or layout); the rest run on CSV folders.
FAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "bad_json_line": {"formats": parse_formats("jsonl")},
    "truncated_file": {"formats": parse_formats("parquet")},
    "missing_success": {"layout": "hive"},
}
# A fault that necessarily leaves another fault's trace too.
ALSO_SHOWS = {"odd_file_name": {"duplicate_rows"}, "empty_transaction_id": {"orphan_items"}}
NO_SIGNATURE = {"tz_midnight"}  # near-midnight sales also happen naturally; see the diff test
TX_CHANGES = {
    *TRANSACTION_RULE_FAULTS,
    "tz_midnight",
    "orphan_items",
    "duplicate_rows",
    "correction",
    "out_of_order_correction",
}
ITEM_CHANGES = {
    *ITEM_RULE_FAULTS,
    "tz_midnight",
    "duplicate_rows",
    "correction",
    "out_of_order_correction",
}


def _run(root: Path, faults: frozenset[str], **options: Any) -> tuple[dict, list[FileData]]:
    settings = {"formats": parse_formats("csv"), "fault_count": 3, **BASE, **options}
    manifest = generate(SampleConfig(dest=str(root), faults=faults, **settings))
    return manifest, load(root)


@pytest.fixture(scope="module")
def clean_files(tmp_path_factory: pytest.TempPathFactory) -> list[FileData]:
    """The fault-free CSV run that faulted runs are compared with."""
    return _run(tmp_path_factory.mktemp("clean"), frozenset())[1]


@pytest.mark.parametrize("fault", FAULTS)
def test_generate_fault_shows_exactly_its_manifest_count(tmp_path: Path, fault: str) -> None:
    manifest, files = _run(tmp_path, frozenset({fault}), **FAULT_OPTIONS.get(fault, {}))
    sig = signatures(tmp_path, files)
    count = manifest["faults"][fault]["count"]
    assert count > 0
    if fault not in NO_SIGNATURE:
        assert sig[fault] == count
    others = {
        k: v for k, v in sig.items() if v and k != fault and k not in ALSO_SHOWS.get(fault, ())
    }
    assert others == {}
    assert manifest["skipped_faults"] == manifest["fault_shortfall"] == {}


@pytest.mark.parametrize("layout", ["date_folders", "hive"])
def test_generate_without_faults_has_no_fault_signature(tmp_path: Path, layout: str) -> None:
    root = tmp_path / "run"
    manifest, files = _run(
        root, frozenset(), layout=layout, with_incremental=True, with_archive=True
    )
    assert {k: v for k, v in signatures(root, files).items() if v} == {}
    assert manifest["faults"] == {}


def _rows_by_id(files: list[FileData], dataset: str) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for f in files:
        if f.dataset == dataset and f.kind == "daily" and f.readable:
            for r in f.rows:
                out.setdefault(r["transaction_id"], Counter())[tuple(sorted(r.items()))] += 1
    out.pop("", None)  # the empty-id fault's rows; their original id shows up as missing
    return out


def _changed(a: dict[str, Counter], b: dict[str, Counter]) -> set[str]:
    return {i for i in a.keys() | b.keys() if a.get(i) != b.get(i)}


@pytest.mark.parametrize("fault", sorted(TX_CHANGES | ITEM_CHANGES))
def test_generate_row_fault_changes_only_its_ids(
    clean_files: list[FileData], tmp_path: Path, fault: str
) -> None:
    base = clean_files
    manifest, files = _run(tmp_path, frozenset({fault}))
    ids = set(manifest["faults"][fault]["ids"])
    assert len(ids) == manifest["faults"][fault]["count"] == 3
    tx_changed = _changed(_rows_by_id(base, "transactions"), _rows_by_id(files, "transactions"))
    items_changed = _changed(_rows_by_id(base, "items"), _rows_by_id(files, "items"))
    assert tx_changed == (ids if fault in TX_CHANGES else set())
    assert items_changed == (ids if fault in ITEM_CHANGES else set())


def test_generate_tz_midnight_rows_straddle_manila_midnight(tmp_path: Path) -> None:
    manifest, files = _run(tmp_path, frozenset({"tz_midnight"}), fault_count=6)
    sales_date = manifest["faults"]["tz_midnight"]["sales_date"]
    tx = [
        (f, r)
        for f in files
        if f.kind == "daily" and f.dataset == "transactions"
        for r in f.rows
        if r["transaction_id"] in sales_date
    ]
    assert len(tx) == len(sales_date) == 6
    for f, r in tx:
        text = r["timestamp"]
        local = as_ts(text).astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert local.date() == f.day == dt.date.fromisoformat(sales_date[r["transaction_id"]])
        assert local.hour in (0, 23)
        if local.hour == 0:  # written in UTC, whose date is the day before
            assert text.endswith("Z") and text[:10] == str(f.day - dt.timedelta(days=1))
        else:  # written naive, which means Manila time
            assert "+" not in text and not text.endswith("Z")


@pytest.mark.parametrize("fault", ["correction", "out_of_order_correction"])
def test_generate_correction_latest_version_matches_manifest(tmp_path: Path, fault: str) -> None:
    manifest, files = _run(tmp_path, frozenset({fault}))
    final = manifest["faults"][fault]["final_total_amount"]
    latest: dict[str, tuple[dt.datetime, str]] = {}
    for f in files:
        for r in f.rows if f.dataset == "transactions" else []:
            ts = as_ts(r["updated_at"])
            if r["transaction_id"] not in latest or ts > latest[r["transaction_id"]][0]:
                latest[r["transaction_id"]] = (ts, r["total_amount"])
    assert {i: latest[i][1] for i in final} == final
    lines = Counter()
    for f in files:
        for r in f.rows if f.dataset == "items" and f.kind == "daily" else []:
            if (
                r["transaction_id"] in final
                and as_ts(r["updated_at"]) == latest[r["transaction_id"]][0]
            ):
                lines[r["transaction_id"]] += int(r["line_amount"].replace(".", ""))
    assert {i: f"{c // 100}.{c % 100:02d}" for i, c in lines.items()} == final


def _expected_from_files(files: list[FileData], root: Path) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    pending = {p.as_posix() for p in root.rglob("dt=*") if not (p / "_SUCCESS").exists()}
    ingest = [
        f
        for f in files
        if f.kind in ("daily", "incremental")
        and f.readable
        and (root / f.path).parent.as_posix() not in pending
    ]
    out: dict[str, Any] = {}
    for dataset in ("transactions", "items"):
        rows = [r for f in ingest if f.dataset == dataset for r in f.rows]
        rules = Counter()
        keys = set()
        for r in rows:
            broken = tx_rules(r, now) if dataset == "transactions" else item_rules(r)
            rules.update(broken)
            if not broken:
                keys.add((r["transaction_id"], r.get("line_number")))
        out[dataset] = {
            "silver_rows": len(keys),
            "quarantine_by_rule": dict(sorted(rules.items())),
            "unparseable_rows": sum(
                sum(f.bad_lines.values()) for f in ingest if f.dataset == dataset
            ),
        }
    return out


@pytest.mark.parametrize(
    "fmt,layout", [("csv", "date_folders"), ("jsonl", "hive"), ("parquet", "hive")]
)
def test_generate_expected_outcomes_match_an_independent_count(
    tmp_path: Path, fmt: str, layout: str
) -> None:
    manifest, files = _run(
        tmp_path,
        frozenset(FAULTS),
        formats=parse_formats(fmt),
        layout=layout,
        with_incremental=True,
        with_archive=True,
    )
    assert manifest["skipped_faults"].keys() <= {
        "bad_json_line",
        "csv_field_count",
        "non_utf8",
        "truncated_file",
        "missing_success",
        "unparseable_timestamp",
        "non_numeric_amount",
    }
    assert manifest["fault_shortfall"] == {}
    found = _expected_from_files(files, tmp_path)
    for dataset in ("transactions", "items"):
        expected = manifest["expected"][dataset]
        assert {k: expected[k] for k in found[dataset]} == found[dataset]
        assert expected["quarantine_rows"] == sum(found[dataset]["quarantine_by_rule"].values()) > 0
