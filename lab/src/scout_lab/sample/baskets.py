"""One day of baskets: transactions and their item lines, vectorised with numpy/pyarrow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scout_lab.sample import columns as C
from scout_lab.sample.catalog import (
    PRODUCTS,
    STORE_TYPES,
    product_weights,
    unit_prices_centavos,
)
from scout_lab.sample.dimensions import Dimensions
from scout_lab.sample.seasonality import hour_weights
from scout_lab.sample.timeutil import (
    MICROS_PER_HOUR,
    MICROS_PER_SECOND,
    TS_TYPE,
    manila_midnight_micros,
)

WALK_IN_SHARE = np.array([0.55, 0.50, 0.30])  # per store type
MEAN_LINES = np.array([1.7, 2.4, 5.5])  # basket lines per store type
MAX_LINES = 40
# Canonical method shares per store type: cash, gcash, maya, card, other, null.
PAYMENT_SHARE = np.array(
    [
        [0.71, 0.18, 0.06, 0.01, 0.01, 0.03],
        [0.50, 0.25, 0.11, 0.09, 0.02, 0.03],
        [0.46, 0.24, 0.12, 0.13, 0.02, 0.03],
    ]
)
# Free text as point-of-sale terminals send it; an empty string counts as cash downstream.
PAYMENT_VARIANTS: tuple[tuple[tuple[str | None, float], ...], ...] = (
    (("Cash", 0.5), ("cash", 0.25), ("CASH", 0.1), (" Cash ", 0.1), ("", 0.05)),
    (("GCash", 0.45), (" GCASH ", 0.2), ("gcash", 0.25), ("GCASH", 0.1)),
    (("Maya", 0.5), ("maya", 0.3), ("MAYA ", 0.1), (" Maya", 0.1)),
    (("card", 0.4), ("Card", 0.3), ("CARD", 0.2), (" card", 0.1)),
    (("Utang", 0.6), ("ShopeePay", 0.25), ("GrabPay", 0.15)),
    ((None, 1.0),),
)
TS_STYLE_SHARE = np.array([0.45, 0.10, 0.25, 0.20])
_PAYMENT_TEXT = pa.array([v for group in PAYMENT_VARIANTS for v, _ in group], pa.string())


def _dictionary(values: list[str | None]) -> tuple[np.ndarray, pa.Array]:
    """Per-product code into a null-free dictionary (-1 for a null value)."""
    distinct = sorted({v for v in values if v is not None})
    codes = np.array([distinct.index(v) if v is not None else -1 for v in values], np.int32)
    return codes, pa.array(distinct, pa.string())


_PRODUCT_COLUMNS = {
    "product_id": _dictionary([p.product_id for p in PRODUCTS]),
    "product_name": _dictionary([p.name for p in PRODUCTS]),
    "brand": _dictionary([p.brand for p in PRODUCTS]),
    "category": _dictionary([p.category for p in PRODUCTS]),
}
_EXTRA_QTY = np.array([p.extra_qty for p in PRODUCTS])
_MAX_QTY = np.array([p.max_qty for p in PRODUCTS])
_PRODUCT_CUM = np.stack([np.cumsum(product_weights(t)) for t in STORE_TYPES])
_PRICES = np.stack([unit_prices_centavos(t) for t in STORE_TYPES])


@dataclass(frozen=True)
class DayData:
    """A day's transactions and items, with internal columns for faults and encoders."""

    day: dt.date
    transactions: pa.Table
    items: pa.Table


def _pick(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), len(cum) - 1)


def _times(rng: np.random.Generator, day: dt.date, store_type: np.ndarray) -> np.ndarray:
    hours = np.empty(len(store_type), dtype=np.int64)
    for t, name in enumerate(STORE_TYPES):
        mask = store_type == t
        hours[mask] = _pick(rng, np.cumsum(hour_weights(name, day)), int(mask.sum()))
    seconds = rng.integers(0, 3600, len(store_type))
    return manila_midnight_micros(day) + hours * MICROS_PER_HOUR + seconds * MICROS_PER_SECOND


def _customers(rng: np.random.Generator, dims: Dimensions, store: np.ndarray) -> pa.Array:
    n = len(store)
    offsets = dims.store_customer_offsets
    local = offsets[store + 1] - offsets[store]
    idx = offsets[store] + (rng.random(n) * local).astype(np.int64)
    anywhere = (local == 0) | (rng.random(n) < 0.15)
    n_customers = len(dims.customer_ids)
    chosen = np.where(
        anywhere,
        rng.integers(0, n_customers, n),
        dims.customers_by_store[np.minimum(idx, n_customers - 1)],
    )
    walk_in = rng.random(n) < WALK_IN_SHARE[dims.store_type[store]]
    return dims.customer_ids.take(pa.array(chosen, mask=walk_in))


def _payments(rng: np.random.Generator, store_type: np.ndarray) -> pa.Array:
    n = len(store_type)
    canonical = np.empty(n, dtype=np.int64)
    for t in range(len(STORE_TYPES)):
        mask = store_type == t
        canonical[mask] = _pick(rng, np.cumsum(PAYMENT_SHARE[t]), int(mask.sum()))
    variant = np.empty(n, dtype=np.int64)
    start = 0
    for c, group in enumerate(PAYMENT_VARIANTS):
        mask = canonical == c
        cum = np.cumsum([w for _, w in group])
        variant[mask] = start + _pick(rng, cum, int(mask.sum()))
        start += len(group)
    return _PAYMENT_TEXT.take(pa.array(variant))


def generate_day(rng: np.random.Generator, dims: Dimensions, day: dt.date, n: int) -> DayData:
    """Generate `n` baskets for `day`, ordered by time, with items summing to each total."""
    store = _pick(rng, np.cumsum(dims.store_weight), n)
    times = _times(rng, day, dims.store_type[store])
    order = np.argsort(times, kind="stable")
    store, times = store[order], times[order]
    store_type = dims.store_type[store]
    seq = np.arange(1, n + 1, dtype=np.int64)
    ids = C.transaction_ids(day, seq)
    updated = times + rng.integers(5, 900, n) * MICROS_PER_SECOND

    lines = np.minimum(1 + rng.poisson(MEAN_LINES[store_type] - 1.0), MAX_LINES)
    tx_of_line = np.repeat(np.arange(n), lines)
    starts = np.cumsum(lines) - lines
    line_number = np.arange(len(tx_of_line)) - np.repeat(starts, lines) + 1
    line_type = store_type[tx_of_line]
    product = np.empty(len(tx_of_line), dtype=np.int64)
    for t in range(len(STORE_TYPES)):
        mask = line_type == t
        product[mask] = _pick(rng, _PRODUCT_CUM[t], int(mask.sum()))
    quantity = 1 + np.minimum(rng.poisson(_EXTRA_QTY[product]), _MAX_QTY[product] - 1)
    unit = _PRICES[line_type, product]
    line_amount = quantity * unit
    total = np.add.reduceat(line_amount, starts)
    ts_style = rng.choice(len(TS_STYLE_SHARE), size=n, p=TS_STYLE_SHARE).astype(np.int8)

    transactions = pa.table(
        {
            "transaction_id": ids,
            "store_id": dims.store_ids.take(pa.array(store)),
            "customer_id": _customers(rng, dims, store),
            "timestamp": pa.array(times, TS_TYPE),
            "total_amount": C.decimal_from_centavos(total),
            "payment_method": _payments(rng, store_type),
            "updated_at": pa.array(updated, TS_TYPE),
            C.SEQ: pa.array(seq),
            C.TS_STYLE: pa.array(ts_style),
            C.AMOUNT_STYLE: pa.array((rng.random(n) < 0.2).astype(np.int8)),
            C.TS_TEXT: pa.nulls(n, pa.string()),
            C.AMOUNT_TEXT: pa.nulls(n, pa.string()),
            C.RULE: pa.nulls(n, pa.string()),
        }
    )
    # Dictionary columns: no copy of repeated strings; parquet stores them this way anyway.
    line_index = pa.array(tx_of_line.astype(np.int32))
    product_codes = {k: codes[product] for k, (codes, _) in _PRODUCT_COLUMNS.items()}
    items = pa.table(
        {
            "transaction_id": pa.DictionaryArray.from_arrays(line_index, ids),
            "line_number": pa.array(line_number.astype(np.int32)),
            **{
                k: pa.DictionaryArray.from_arrays(
                    pa.array(product_codes[k], mask=product_codes[k] < 0), values
                )
                for k, (_, values) in _PRODUCT_COLUMNS.items()
            },
            "quantity": pa.array(quantity.astype(np.int32)),
            "unit_price": C.decimal_from_centavos(unit, C.PRICE_TYPE),
            "line_amount": C.decimal_from_centavos(line_amount),
            "updated_at": pa.array(updated[tx_of_line], TS_TYPE),
            C.SEQ: pa.array(seq[tx_of_line]),
            C.TS_STYLE: pa.array(ts_style[tx_of_line]),
            C.AMOUNT_STYLE: pa.array((rng.random(len(tx_of_line)) < 0.2).astype(np.int8)),
            C.RULE: pa.nulls(len(tx_of_line), pa.string()),
        }
    )
    return DayData(day, transactions, items)
