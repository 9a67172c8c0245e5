"""Stores and customers: built once per run, small enough to hold in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scout_lab.sample import columns as C
from scout_lab.sample import geo
from scout_lab.sample.catalog import STORE_TYPES
from scout_lab.sample.timeutil import MICROS_PER_DAY, TS_TYPE, manila_midnight_micros

STORE_TYPE_SHARE = np.array([0.70, 0.18, 0.12])
# Baskets per day of a store relative to a sari-sari store.
STORE_TYPE_TRAFFIC = np.array([1.0, 3.5, 6.0])
SEGMENTS = (
    "suki",
    "budget_family",
    "young_professional",
    "student",
    "senior",
    "reseller",
    "occasional",
)
SEGMENT_SHARE = np.array([0.22, 0.24, 0.14, 0.12, 0.08, 0.05, 0.15])


@dataclass(frozen=True)
class Dimensions:
    """Stores and customers as written, plus the lookups basket generation needs."""

    stores: pa.Table
    customers: pa.Table
    store_ids: pa.Array
    store_type: np.ndarray  # index into STORE_TYPES per store
    store_weight: np.ndarray  # relative traffic per store
    customer_ids: pa.Array
    customers_by_store: np.ndarray  # customer indices ordered by home store
    store_customer_offsets: np.ndarray  # slice bounds into customers_by_store per store


def build_dimensions(
    rng: np.random.Generator, n_stores: int, n_customers: int, first: dt.date, last: dt.date
) -> Dimensions:
    """Build stores and customer segment history covering first..last."""
    stores, store_type, regions = _build_stores(rng, n_stores, first)
    weight = STORE_TYPE_TRAFFIC[store_type] * rng.lognormal(0.0, 0.45, n_stores)
    home = rng.integers(0, n_stores, n_customers)
    customer_ids = C.prefixed_ids("CUST-", np.arange(1, n_customers + 1), 7)
    customers = _build_customers(rng, home, regions, customer_ids, first, last)
    order = np.argsort(home, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(home, minlength=n_stores))])
    return Dimensions(
        stores=stores,
        customers=customers,
        store_ids=stores.column("store_id").combine_chunks(),
        store_type=store_type,
        store_weight=weight / weight.sum(),
        customer_ids=customer_ids,
        customers_by_store=order,
        store_customer_offsets=offsets,
    )


def _store_name(draw: np.ndarray, kind: str, city: geo.City, barangay: str) -> str:
    """A store name from three random draws: given name, surname and naming pattern."""
    given, surname = geo.GIVEN_NAMES[draw[0]], geo.SURNAMES[draw[1]]
    pick = draw[2]
    if kind == "sari_sari":
        female = draw[0] < len(geo.GIVEN_NAMES) // 2
        honorific = "Aling" if female else "Mang"
        return (
            f"{honorific} {given}'s Sari-Sari Store",
            f"Tindahan ni {honorific} {given}",
            f"{surname} Sari-Sari Store",
        )[pick]
    if kind == "convenience":
        return (f"Kanto Mart {barangay}", f"QuickStop {barangay}", f"24/7 Express {city.name}")[
            pick
        ]
    return (f"{surname} Family Grocery", f"{city.name} Savers Grocery", f"{surname} Minimart")[pick]


def _build_stores(
    rng: np.random.Generator, n: int, first: dt.date
) -> tuple[pa.Table, np.ndarray, list[str]]:
    weights = np.array([c.weight for c in geo.CITIES])
    city_idx = rng.choice(len(geo.CITIES), size=n, p=weights / weights.sum())
    store_type = rng.choice(len(STORE_TYPES), size=n, p=STORE_TYPE_SHARE).astype(np.int8)
    lat_jitter, lon_jitter = rng.normal(0.0, 0.012, n), rng.normal(0.0, 0.012, n)
    no_coords = rng.random(n) < 0.02
    opened_days = rng.integers(30, 365 * 25, n)
    draws = np.stack(
        [
            rng.integers(0, len(geo.GIVEN_NAMES), n),
            rng.integers(0, len(geo.SURNAMES), n),
            rng.integers(0, 3, n),
        ],
        axis=1,
    )
    barangay_u = rng.random(n)
    rows: dict[str, list] = {k: [] for k in ("name", "region", "province", "city", "barangay")}
    for i in range(n):
        city = geo.CITIES[city_idx[i]]
        barangay = city.barangays[int(barangay_u[i] * len(city.barangays))]
        rows["name"].append(_store_name(draws[i], STORE_TYPES[store_type[i]], city, barangay))
        rows["region"].append(city.region)
        rows["province"].append(city.province)
        rows["city"].append(city.name)
        rows["barangay"].append(barangay)
    lat = np.array([geo.CITIES[c].latitude for c in city_idx]) + lat_jitter
    lon = np.array([geo.CITIES[c].longitude for c in city_idx]) + lon_jitter
    opened = [first - dt.timedelta(days=int(d)) for d in opened_days]
    table = pa.table(
        {
            "store_id": C.prefixed_ids("ST-", np.arange(1, n + 1), 5),
            "store_name": pa.array(rows["name"]),
            "region": pa.array(rows["region"]),
            "province": pa.array(rows["province"]),
            "city": pa.array(rows["city"]),
            "barangay": pa.array(rows["barangay"]),
            "store_type": pa.array([STORE_TYPES[t] for t in store_type]),
            "latitude": pa.array(np.round(lat, 6), mask=no_coords),
            "longitude": pa.array(np.round(lon, 6), mask=no_coords),
            "opened_at": pa.array(opened, pa.date32()),
        }
    )
    return table, store_type, rows["region"]


def _build_customers(
    rng: np.random.Generator,
    home: np.ndarray,
    regions: list[str],
    ids: pa.Array,
    first: dt.date,
    last: dt.date,
) -> pa.Table:
    """One row per customer version; the first version predates `first`, changes follow."""
    n = len(home)
    start = manila_midnight_micros(first)
    span = (last - first).days + 1
    changes = np.minimum(rng.poisson(span / 150.0, n), 6)
    versions = 1 + changes
    cust = np.repeat(np.arange(n), versions)
    group_start = np.cumsum(versions) - versions
    is_first = np.zeros(len(cust), dtype=bool)
    is_first[group_start] = True
    at = start + rng.integers(0, span * MICROS_PER_DAY, len(cust)) // 1_000_000 * 1_000_000
    at[is_first] = start - rng.integers(1, 730 * MICROS_PER_DAY, n) // 1_000_000 * 1_000_000
    order = np.lexsort((at, cust))
    at = at[order]  # cust is already grouped, so only the times within a customer move
    moves = (rng.random(len(cust)) < 0.12) & ~is_first
    region_names = sorted(set(regions))
    region_idx = np.full(len(cust), -1)
    store_region = np.array([region_names.index(r) for r in regions])
    initial = store_region[home]
    region_idx[group_start] = np.where(rng.random(n) < 0.04, len(region_names), initial)
    region_idx[moves] = rng.integers(0, len(region_names), int(moves.sum()))
    filled = np.maximum.accumulate(np.where(region_idx >= 0, np.arange(len(cust)), 0))
    region_idx = region_idx[filled]
    shift = np.where(moves, 0, rng.integers(1, len(SEGMENTS), len(cust)))
    shift[group_start] = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    total = np.cumsum(shift)
    segment_idx = (total - np.repeat(total[group_start] - shift[group_start], versions)) % len(
        SEGMENTS
    )
    region_values = pa.array([*region_names, None])
    return pa.table(
        {
            "customer_id": ids.take(pa.array(cust)),
            "segment": pa.array(SEGMENTS).take(pa.array(segment_idx)),
            "region": region_values.take(pa.array(region_idx)),
            "updated_at": pa.array(at, TS_TYPE),
        }
    )
