"""No tests here: silver input for the gold tests, and gold/platinum recomputed in plain Python.

The reference follows pipeline_semantics.md line by line, without Spark, so the pipeline's
tables can be checked value by value against it.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from delta.tables import DeltaTable
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.schemas import (
    SILVER_CUSTOMERS_SCHEMA,
    SILVER_ITEMS_SCHEMA,
    SILVER_STORES_SCHEMA,
    SILVER_TRANSACTIONS_SCHEMA,
)

TZ = "Asia/Manila"
MANILA = ZoneInfo(TZ)
FIRST_DAY, DAYS = date(2026, 2, 20), 20
LINEAGE = (None, None, None, None, None)
SILVER = {
    "transactions": (SILVER_TRANSACTIONS_SCHEMA, ("transaction_id",)),
    "items": (SILVER_ITEMS_SCHEMA, ("transaction_id", "line_number")),
    "customers": (SILVER_CUSTOMERS_SCHEMA, ("customer_id", "valid_from")),
    "stores": (SILVER_STORES_SCHEMA, ("store_id",)),
}
CENT = Decimal("0.01")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def manila(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), MANILA).astimezone(UTC)


def tx_row(
    tid: str, store: str, customer: str | None, ts: datetime, amount: str, pay: str
) -> tuple:
    return (tid, store, customer, ts, Decimal(amount), pay, ts, *LINEAGE)


def item_row(
    tid: str, line: int, category: str | None, brand: str | None, qty: int, price: str
) -> tuple:
    unit = Decimal(price)
    return (tid, line, f"P-{category}", f"name {category}", brand, category, qty, unit,
            unit * qty, None, *LINEAGE)  # fmt: skip


def store_row(store: str, region: str | None, name: str = "store") -> tuple:
    return (store, name, region, "prov", "city", "brgy", "sari-sari", 14.6, 121.0, None, None)


def customer_row(cid: str, segment: str | None, start: datetime, end: datetime | None) -> tuple:
    return (cid, segment, None, start, start, end, end is None)


@dataclass
class SilverRows:
    """Rows of the four silver tables, in SILVER_* schema order."""

    transactions: list[tuple] = field(default_factory=list)
    items: list[tuple] = field(default_factory=list)
    customers: list[tuple] = field(default_factory=list)
    stores: list[tuple] = field(default_factory=list)


def generate_silver(seed: int = 7) -> SilverRows:
    """20 days, 3 stores in the table and one not, SCD2 customers, walk-ins, edge cases."""
    rng = random.Random(seed)
    rows = SilverRows(
        stores=[store_row("S1", "NCR"), store_row("S2", "CAR"), store_row("S3", None)],
        customers=[
            customer_row("C1", "regular", utc(2026, 2, 1), utc(2026, 3, 1)),
            customer_row("C1", "vip", utc(2026, 3, 1), None),
            customer_row("C2", "new", utc(2026, 2, 25), None),
            customer_row("C3", None, utc(2026, 1, 1), None),
            customer_row("C4", "a", utc(2026, 1, 1), utc(2026, 2, 28, 12)),
            customer_row("C4", "b", utc(2026, 2, 28, 12), None),
            customer_row("C5", "regular", utc(2026, 1, 1), None),
        ],
    )
    customers = ["C1", "C2", "C3", "C4", "C5", "C6", None, None]
    categories, brands = ["snacks", "drinks", "home", None], ["A", "B", None]
    amounts = ["0.00", "1000.00", "1000.01", "1500.00"]
    n = 0
    for offset in range(DAYS - 1):
        day = FIRST_DAY + timedelta(days=offset)
        for store in ("S1", "S2", "S3", "S-UNKNOWN"):
            for _ in range(rng.randint(1, 3)):
                n += 1
                ts = manila(day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
                amount = (
                    rng.choice(amounts)
                    if rng.random() < 0.2
                    else f"{rng.randint(1, 90000) / 100:.2f}"
                )
                pay = rng.choice(["cash", "gcash", "maya", "card", "other"])
                tid = f"T{n:04d}"
                rows.transactions.append(tx_row(tid, store, rng.choice(customers), ts, amount, pay))
                for line in range(1, rng.randint(0, 3) + 1):
                    rows.items.append(
                        item_row(tid, line, rng.choice(categories), rng.choice(brands),
                                 rng.randint(1, 4), f"{rng.randint(0, 5000) / 100:.2f}")
                    )  # fmt: skip
    edge = FIRST_DAY + timedelta(days=3)
    rows.transactions += [
        tx_row("EDGE-LATE", "S1", "C1", manila(edge, 23, 59, 59), "10.00", "cash"),
        tx_row("EDGE-MIDNIGHT", "S1", "C1", manila(edge + timedelta(days=1), 0), "20.00", "cash"),
        tx_row("ZERO-DAY", "S2", None, manila(FIRST_DAY + timedelta(days=DAYS - 1), 9), "0.00", "cash"),
    ]  # fmt: skip
    rows.items.append(item_row("ORPHAN", 1, "snacks", "A", 1, "1.00"))
    return rows


def write_silver(spark: SparkSession, config: Config, rows: SilverRows) -> None:
    """Create the four silver tables (change data feed on) and insert the rows."""
    for name, (schema, _keys) in SILVER.items():
        path = config.lake_path("silver", name)
        (
            DeltaTable.createIfNotExists(spark)
            .location(path)
            .addColumns(schema)
            .property("delta.enableChangeDataFeed", "true")
            .execute()
        )
        spark.createDataFrame(getattr(rows, name), schema).write.format("delta").mode(
            "append"
        ).save(path)


def upsert_silver(spark: SparkSession, config: Config, name: str, new_rows: list[tuple]) -> None:
    """MERGE rows into a silver table on its key, as silver does (updates show in the CDF)."""
    schema, keys = SILVER[name]
    on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    (
        DeltaTable.forPath(spark, config.lake_path("silver", name))
        .alias("t")
        .merge(spark.createDataFrame(new_rows, schema).alias("s"), on)
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )


def as_dicts(rows: list[tuple], schema: object) -> list[dict]:
    return [dict(zip(schema.names, r, strict=True)) for r in rows]  # type: ignore[attr-defined]


def local_naive(ts: datetime) -> datetime:
    """How pyspark's collect() returns a timestamp: naive, in the machine's zone."""
    return ts.astimezone().replace(tzinfo=None)


def ref_gold(rows: SilverRows) -> dict[str, dict[tuple, tuple]]:
    """Every gold table as {key: other columns}, from the contract."""
    txs = as_dicts(rows.transactions, SILVER_TRANSACTIONS_SCHEMA)
    items = as_dicts(rows.items, SILVER_ITEMS_SCHEMA)
    regions = {s[0]: s[2] for s in rows.stores}
    versions = as_dicts(rows.customers, SILVER_CUSTOMERS_SCHEMA)
    qty: dict[str, int] = defaultdict(int)
    for it in items:
        qty[it["transaction_id"]] += it["quantity"]

    def segment(cid: str | None, ts: datetime) -> str | None:
        if cid is None:
            return None
        valid = [v for v in versions if v["customer_id"] == cid and v["valid_from"] <= ts
                 and (v["valid_to"] is None or ts < v["valid_to"])]  # fmt: skip
        return (valid[0]["segment"] if valid else None) or "unknown"

    gold_tx = {}
    for t in txs:
        local = t["transaction_ts"].astimezone(MANILA)
        gold_tx[(t["transaction_id"],)] = (
            t["store_id"], t["customer_id"], local_naive(t["transaction_ts"]), local.date(),
            local.hour, t["total_amount"], t["payment_method"],
            "high_value" if t["total_amount"] > 1000 else "standard",
            qty[t["transaction_id"]], regions.get(t["store_id"]),
            segment(t["customer_id"], t["transaction_ts"]),
        )  # fmt: skip
    day_of = {k[0]: v[3] for k, v in gold_tx.items()}
    item_columns = ("product_id", "product_name", "brand", "category", "quantity", "unit_price",
                    "line_amount")  # fmt: skip
    gold_items = {
        (i["transaction_id"], i["line_number"]): (*(i[c] for c in item_columns), day_of[tid])
        for i in items
        if (tid := i["transaction_id"]) in day_of
    }
    return {
        "gold/transactions": gold_tx,
        "gold/transaction_items": gold_items,
        **ref_aggregates(gold_tx, gold_items),
    }


def ref_aggregates(gold_tx: dict, gold_items: dict) -> dict[str, dict[tuple, tuple]]:
    """daily_store_sales, daily_category_sales, hourly_sales, payment_mix."""
    by_store, by_hour, by_pay = defaultdict(list), defaultdict(list), defaultdict(list)
    day_gross: dict[date, Decimal] = defaultdict(Decimal)
    for (tid,), values in gold_tx.items():
        store, cid, _ts, day, hour, amount, pay, kind, count, region, _segment = values
        row = (tid, cid, amount, kind, count, region)
        by_store[(day, store)].append(row)
        by_hour[(day, hour)].append(row)
        by_pay[(day, pay)].append(row)
        day_gross[day] += amount
    store_sales = {}
    for key, txs in by_store.items():
        gross = sum((t[2] for t in txs), Decimal("0.00"))
        store_sales[key] = (
            txs[0][5], len(txs), sum(t[4] for t in txs), gross,
            (gross / len(txs)).quantize(CENT, ROUND_HALF_UP),
            sum(t[3] == "high_value" for t in txs), len({t[1] for t in txs if t[1] is not None}),
        )  # fmt: skip
    by_category = defaultdict(list)
    for (tid, _line), (_p, _n, brand, category, quantity, _u, amount, day) in gold_items.items():
        by_category[(day, category, brand)].append((tid, quantity, amount))
    category_sales = {
        key: (sum(q for _, q, _ in lines), sum((a for _, _, a in lines), Decimal("0.00")),
              len({t for t, _, _ in lines}))
        for key, lines in by_category.items()
    }  # fmt: skip
    hourly = {k: (len(v), sum((t[2] for t in v), Decimal("0.00"))) for k, v in by_hour.items()}
    payment = {}
    for (day, pay), txs in by_pay.items():
        gross = sum((t[2] for t in txs), Decimal("0.00"))
        share = float(gross) / float(day_gross[day]) if day_gross[day] != 0 else None
        payment[(day, pay)] = (len(txs), gross, share)
    return {
        "gold/daily_store_sales": store_sales,
        "gold/daily_category_sales": category_sales,
        "gold/hourly_sales": hourly,
        "gold/payment_mix": payment,
    }


def ref_monitors(store_sales: dict[tuple, tuple]) -> dict[tuple, tuple]:
    """platinum/monitors from daily_store_sales: 28-day baseline, sample std, status."""
    metrics = {"gross_sales": lambda v: v[3], "transaction_count": lambda v: Decimal(v[1])}
    monitors = {}
    for (day, store), values in store_sales.items():
        for metric, pick in metrics.items():
            value = Fraction(pick(values))
            baseline = [
                Fraction(pick(store_sales[(day - timedelta(days=n), store)]))
                for n in range(1, 29)
                if (day - timedelta(days=n), store) in store_sales
            ]
            key = (day, store, metric)
            if len(baseline) < 7:
                monitors[key] = (float(value), None, None, None, "insufficient_history")
                continue
            mean = sum(baseline) / len(baseline)
            variance = sum((x - mean) ** 2 for x in baseline) / (len(baseline) - 1)
            std = math.sqrt(variance)
            if variance == 0:
                status = "ok" if value == mean else "alert"
                monitors[key] = (float(value), float(mean), 0.0, None, status)
                continue
            z = float(value - mean) / std
            status = "alert" if abs(z) >= 3 else "warn" if abs(z) >= 2 else "ok"
            monitors[key] = (float(value), float(mean), std, z, status)
    return monitors


def ref_customer_features(rows: SilverRows, gold: dict[str, dict]) -> dict[tuple, tuple]:
    """platinum/customer_features from gold transactions and items and silver customers."""
    gold_tx, gold_items = gold["gold/transactions"], gold["gold/transaction_items"]
    latest = max(v[3] for v in gold_tx.values())
    start = latest - timedelta(days=89)
    current = {c[0]: c[1] for c in rows.customers if c[6]}
    buyer = {k[0]: v[1] for k, v in gold_tx.items() if v[1] is not None}
    units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (tid, _line), item in gold_items.items():
        if tid in buyer and item[7] >= start:
            units[buyer[tid]][item[3] or "unknown"] += item[4]
    features = {}
    for cid in set(buyer.values()):
        mine = [v for v in gold_tx.values() if v[1] == cid]
        window = [v for v in mine if v[3] >= start]
        monetary = sum((v[5] for v in window), Decimal("0.00"))
        favorite = (
            min(units[cid].items(), key=lambda kv: (-kv[1], kv[0]))[0] if units[cid] else None
        )
        features[(cid,)] = (
            current.get(cid), (latest - max(v[3] for v in mine)).days, len(window), monetary,
            (monetary / len(window)).quantize(CENT, ROUND_HALF_UP) if window else None, favorite,
        )  # fmt: skip
    return features
