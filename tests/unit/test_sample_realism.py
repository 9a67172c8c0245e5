"""A month of clean data looks like Philippine retail: baskets add up, rhythms show."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from scout_lab.sample import SampleConfig, generate
from scout_lab.sample.geo import CITIES

DAYS, PER_DAY = 31, 1500
MANILA = dt.timezone(dt.timedelta(hours=8))


def _decoded(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings, so tables of different files concatenate."""
    fields = [
        pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pa.Table]:
    """January 2024 in parquet, one table per dataset (file date kept as `file_date`)."""
    root = tmp_path_factory.mktemp("month")
    generate(
        SampleConfig(
            dest=str(root),
            seed=3,
            days=DAYS,
            transactions_per_day=PER_DAY,
            stores=120,
            customers=3000,
        )
    )
    out = {}
    for dataset in ("transactions", "items"):
        tables = []
        for path in sorted((root / dataset).rglob("data.parquet")):
            day = dt.date(*map(int, path.parent.relative_to(root / dataset).parts))
            t = _decoded(pq.read_table(path))
            tables.append(t.append_column("file_date", pa.array([day] * t.num_rows)))
        out[dataset] = pa.concat_tables(tables)
    out["customers"] = pq.read_table(root / "customers/segments.parquet")
    out["stores"] = pq.read_table(root / "stores/stores.parquet")
    return out


def _cents(column: pa.ChunkedArray) -> np.ndarray:
    return np.round(np.asarray(pc.cast(column, pa.float64())) * 100).astype(np.int64)


def test_items_add_up_to_their_transaction_exactly(month: dict[str, pa.Table]) -> None:
    items, tx = month["items"], month["transactions"]
    qty, unit, line = (
        np.asarray(items["quantity"]),
        _cents(items["unit_price"]),
        _cents(items["line_amount"]),
    )
    assert (line == qty * unit).all() and (qty > 0).all()
    sums = (
        pa.table({"transaction_id": items["transaction_id"], "c": pa.array(line)})
        .group_by("transaction_id")
        .aggregate([("c", "sum")])
    )
    by_id = dict(zip(sums["transaction_id"].to_pylist(), sums["c_sum"].to_pylist(), strict=True))
    totals = dict(
        zip(tx["transaction_id"].to_pylist(), _cents(tx["total_amount"]).tolist(), strict=True)
    )
    assert by_id == totals
    lines = pc.value_counts(items["transaction_id"]).field("counts").to_numpy()
    assert 1.8 < lines.mean() < 4.5 and lines.max() <= 40
    assert 60 < np.mean(list(totals.values())) / 100 < 400


def test_transactions_total_and_ids_and_dates(month: dict[str, pa.Table]) -> None:
    tx = month["transactions"]
    assert tx.num_rows == DAYS * PER_DAY
    assert pc.count_distinct(tx["transaction_id"]).as_py() == tx.num_rows
    local = [t.astimezone(MANILA).date() for t in tx["timestamp"].to_pylist()]
    assert local == tx["file_date"].to_pylist()
    assert pc.all(pc.greater(tx["updated_at"], tx["timestamp"])).as_py()


def test_paydays_and_weekends_sell_more(month: dict[str, pa.Table]) -> None:
    per_day = pc.value_counts(month["transactions"]["file_date"]).to_pylist()
    counts = {v["values"]: v["counts"] for v in per_day}
    ordinary = np.mean([c for d, c in counts.items() if d.day not in (15, 16, 30, 31)])
    assert counts[dt.date(2024, 1, 15)] > 1.2 * ordinary
    assert counts[dt.date(2024, 1, 30)] > 1.2 * ordinary
    saturdays = np.mean([c for d, c in counts.items() if d.weekday() == 5 and d.day != 13])
    tuesdays = np.mean([c for d, c in counts.items() if d.weekday() == 1 and d.day != 16])
    assert saturdays > 1.1 * tuesdays


def test_morning_and_early_evening_peaks(month: dict[str, pa.Table]) -> None:
    hours = np.array(
        [t.astimezone(MANILA).hour for t in month["transactions"]["timestamp"].to_pylist()]
    )
    per_hour = np.bincount(hours, minlength=24)
    assert per_hour[7:9].mean() > 10 * per_hour[2:4].mean()
    assert per_hour[17:20].mean() > 1.2 * per_hour[13:16].mean()
    assert per_hour.argmax() in (17, 18, 19)


def test_payment_mix_is_led_by_cash_with_messy_text(month: dict[str, pa.Table]) -> None:
    raw = month["transactions"]["payment_method"]
    normal = pc.utf8_lower(pc.utf8_trim_whitespace(raw))
    normal = pc.if_else(pc.or_kleene(pc.is_null(normal), pc.equal(normal, "")), "cash", normal)
    share = {v["values"]: v["counts"] / len(raw) for v in pc.value_counts(normal).to_pylist()}
    assert share["cash"] > share["gcash"] > share["maya"] > share["card"] > 0.02
    assert 0.45 < share["cash"] < 0.8
    variants = set(raw.to_pylist())
    assert {"Cash", " GCASH ", "maya", None} <= variants


def test_walk_ins_have_no_customer_id(month: dict[str, pa.Table]) -> None:
    tx = month["transactions"]
    walk_in = tx["customer_id"].null_count / tx.num_rows
    assert 0.3 < walk_in < 0.6
    known = set(month["customers"]["customer_id"].to_pylist())
    assert set(pc.drop_null(tx["customer_id"]).to_pylist()) <= known


def test_stores_are_real_places_in_the_philippines(month: dict[str, pa.Table]) -> None:
    stores = month["stores"].to_pylist()
    places = {(c.region, c.province, c.name): set(c.barangays) for c in CITIES}
    for s in stores:
        assert s["barangay"] in places[(s["region"], s["province"], s["city"])]
        if s["latitude"] is not None:
            assert 4.5 < s["latitude"] < 21.5 and 116 < s["longitude"] < 127
        assert s["opened_at"] < dt.date(2024, 1, 1)
    assert {s["store_type"] for s in stores} == {"sari_sari", "convenience", "grocery"}
    assert len({s["region"] for s in stores}) >= 8


def test_customer_segments_change_over_time(month: dict[str, pa.Table]) -> None:
    rows = month["customers"].to_pylist()
    history: dict[str, list[dict]] = {}
    for r in rows:
        history.setdefault(r["customer_id"], []).append(r)
    start = dt.datetime(2024, 1, 1, tzinfo=MANILA)
    assert all(h[0]["updated_at"] < start for h in history.values())
    for h in history.values():
        assert all(a["updated_at"] < b["updated_at"] for a, b in itertools.pairwise(h))
    changed = [h for h in history.values() if len({v["segment"] for v in h}) > 1]
    assert len(changed) > 0.1 * len(history)
    assert all(
        start <= v["updated_at"] < start + dt.timedelta(days=DAYS) for h in changed for v in h[1:]
    )
