"""Gold and platinum stages on Delta tables in tmp_path, checked against plain Python.

One lake is built once (silver written with the SILVER_* schemas, then gold and platinum);
each test that changes silver works on its own copy of it.
"""

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from gold_reference import (
    DAYS,
    FIRST_DAY,
    SilverRows,
    customer_row,
    generate_silver,
    item_row,
    local_naive,
    manila,
    ref_customer_features,
    ref_gold,
    ref_monitors,
    store_row,
    tx_row,
    upsert_silver,
    write_silver,
)
from pyspark.sql import SparkSession

from scout_spark.cli.runner import Invocation, run_stage
from scout_spark.config import Config
from scout_spark.context import RunContext, RunIdentity
from scout_spark.pipelines.build_options import BuildOptions
from scout_spark.pipelines.gold import run_gold
from scout_spark.pipelines.platinum import run_platinum
from scout_spark.records.ledger import latest_ledger, read_ledger
from scout_spark.results import StageResult
from scout_spark.stages import STAGES

KEYS = {
    "gold/transactions": ("transaction_id",),
    "gold/transaction_items": ("transaction_id", "line_number"),
    "gold/daily_store_sales": ("sales_date", "store_id"),
    "gold/daily_category_sales": ("sales_date", "category", "brand"),
    "gold/hourly_sales": ("sales_date", "hour_of_day"),
    "gold/payment_mix": ("sales_date", "payment_method"),
    "platinum/monitors": ("monitor_date", "store_id", "metric"),
    "platinum/customer_features": ("customer_id",),
}
GOLD = [name for name in KEYS if name.startswith("gold/")]
SCHEMAS = {
    "gold/transactions": "transaction_id:string,store_id:string,customer_id:string,"
    "transaction_ts:timestamp,sales_date:date,hour_of_day:int,total_amount:decimal(14,2),"
    "payment_method:string,transaction_type:string,item_count:bigint,region:string,"
    "customer_segment:string",
    "gold/transaction_items": "transaction_id:string,line_number:int,product_id:string,"
    "product_name:string,brand:string,category:string,quantity:bigint,"
    "unit_price:decimal(14,2),line_amount:decimal(14,2),sales_date:date",
    "gold/daily_store_sales": "sales_date:date,store_id:string,region:string,"
    "transaction_count:bigint,items_sold:bigint,gross_sales:decimal(14,2),"
    "avg_basket_value:decimal(14,2),high_value_count:bigint,unique_customers:bigint",
    "gold/daily_category_sales": "sales_date:date,category:string,brand:string,"
    "units_sold:bigint,revenue:decimal(14,2),transaction_count:bigint",
    "gold/hourly_sales": "sales_date:date,hour_of_day:int,transaction_count:bigint,"
    "gross_sales:decimal(14,2)",
    "gold/payment_mix": "sales_date:date,payment_method:string,transaction_count:bigint,"
    "gross_sales:decimal(14,2),share_of_sales:double",
    "platinum/monitors": "monitor_date:date,store_id:string,metric:string,value:double,"
    "baseline_mean:double,baseline_std:double,z_score:double,status:string",
    "platinum/customer_features": "customer_id:string,segment:string,recency_days:int,"
    "frequency_90d:bigint,monetary_90d:decimal(14,2),avg_basket_value_90d:decimal(14,2),"
    "favorite_category:string",
}
Table = dict[tuple, tuple]


def lake_config(test_config: Config, root: Path) -> Config:
    return replace(test_config, lake=replace(test_config.lake, root=f"{root}/"))


def run(stage: Callable[[RunContext], StageResult], spark: SparkSession, config: Config,
        **options: object) -> StageResult:  # fmt: skip
    run_id = f"test-{uuid.uuid4().hex[:8]}"
    who = RunIdentity(run_id, run_id, stage.__name__, datetime.now(UTC))
    return stage(RunContext(spark, config, who, BuildOptions(**options)))  # type: ignore[arg-type]


def read_table(spark: SparkSession, config: Config, name: str) -> Table:
    df = spark.read.format("delta").load(config.lake_path(*name.split("/")))
    others = [c for c in df.columns if c not in KEYS[name]]
    return {tuple(r[k] for k in KEYS[name]): tuple(r[c] for c in others) for r in df.collect()}


def read_all(spark: SparkSession, config: Config, names: list[str]) -> dict[str, Table]:
    return {name: read_table(spark, config, name) for name in names}


def assert_table(name: str, actual: Table, expected: Table) -> None:
    """Same keys, and every value equal (doubles to 1e-9 relative)."""
    missing, extra = expected.keys() - actual.keys(), actual.keys() - expected.keys()
    assert not missing and not extra, (
        f"{name}: missing {sorted(missing, key=str)[:5]}, extra {sorted(extra, key=str)[:5]}"
    )
    for key, want in expected.items():
        got = actual[key]
        for column, (a, e) in enumerate(zip(got, want, strict=True)):
            if isinstance(e, float):
                assert a == pytest.approx(e, rel=1e-9, abs=1e-12), (name, key, column, got, want)
            else:
                assert a == e, (name, key, column, got, want)


def assert_gold_matches(spark: SparkSession, config: Config, rows: SilverRows) -> dict[str, Table]:
    expected, actual = ref_gold(rows), read_all(spark, config, GOLD)
    for name in GOLD:
        assert_table(name, actual[name], expected[name])
    return actual


def rows_changed(before: Table, after: Table) -> set[tuple]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class Built:
    root: Path
    rows: SilverRows
    gold: StageResult
    platinum: StageResult


@pytest.fixture(scope="module")
def built(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    root = tmp_path_factory.mktemp("gold_lake")
    config = lake_config(test_config, root)
    rows = generate_silver()
    write_silver(spark, config, rows)
    return Built(root, rows, run(run_gold, spark, config), run(run_platinum, spark, config))


def lake_copy(built: Built, test_config: Config, tmp_path: Path) -> Config:
    shutil.copytree(built.root, tmp_path / "lake")
    return lake_config(test_config, tmp_path / "lake")


def test_first_gold_run_builds_every_table_as_the_contract_says(
    spark: SparkSession, test_config: Config, built: Built
) -> None:
    config = lake_config(test_config, built.root)
    assert (built.gold.status, built.gold.metrics["mode"]) == ("succeeded", "full_refresh")
    assert set(built.gold.tables) == set(GOLD)
    gold = assert_gold_matches(spark, config, built.rows)
    assert built.gold.records_written == sum(len(t) for t in gold.values())
    for name in KEYS:
        schema = spark.read.format("delta").load(config.lake_path(*name.split("/"))).schema
        assert schema.simpleString() == f"struct<{SCHEMAS[name]}>", name


def test_first_platinum_run_matches_plain_python(
    spark: SparkSession, test_config: Config, built: Built
) -> None:
    config = lake_config(test_config, built.root)
    assert (built.platinum.status, built.platinum.metrics["mode"]) == ("succeeded", "full_refresh")
    expected_gold = ref_gold(built.rows)
    monitors = read_table(spark, config, "platinum/monitors")
    assert_table(
        "platinum/monitors", monitors, ref_monitors(expected_gold["gold/daily_store_sales"])
    )
    assert {v[-1] for v in monitors.values()} >= {"insufficient_history", "ok"}
    assert_table(
        "platinum/customer_features",
        read_table(spark, config, "platinum/customer_features"),
        ref_customer_features(built.rows, expected_gold),
    )


def test_runs_without_silver_changes_are_skipped(
    spark: SparkSession, test_config: Config, built: Built, tmp_path: Path
) -> None:
    config = lake_copy(built, test_config, tmp_path)
    call = Invocation(BuildOptions(), run_id="again")
    assert run_stage(STAGES["gold"], spark, config, call) == 0
    assert run_stage(STAGES["platinum"], spark, config, call) == 0
    ledger = latest_ledger(read_ledger(spark, config)).filter("run_id = 'again'").collect()
    assert sorted((r["stage"], r["status"]) for r in ledger) == [
        ("gold", "skipped"), ("platinum", "skipped"),
    ]  # fmt: skip


def test_late_transactions_restate_exactly_their_date(
    spark: SparkSession, test_config: Config, built: Built, tmp_path: Path
) -> None:
    config = lake_copy(built, test_config, tmp_path)
    before = read_all(spark, config, [*GOLD, "platinum/monitors"])
    late_day = FIRST_DAY + timedelta(days=5)
    existing = next(k[0] for k, v in before["gold/transactions"].items() if v[3] == late_day)
    late_tx = [tx_row("LATE-1", "S2", "C1", manila(late_day, 21, 30), "1234.56", "gcash")]
    late_items = [
        item_row("LATE-1", 1, "snacks", "A", 3, "2.50"),
        item_row("LATE-1", 2, None, None, 1, "9.99"),
        item_row(existing, 9, "home", "B", 2, "4.00"),  # a late line of an old transaction
    ]
    upsert_silver(spark, config, "transactions", late_tx)
    upsert_silver(spark, config, "items", late_items)
    rows = SilverRows(built.rows.transactions + late_tx, built.rows.items + late_items,
                      built.rows.customers, built.rows.stores)  # fmt: skip

    backfill = run(run_gold, spark, config, from_date=late_day, to_date=late_day)

    assert (backfill.metrics["mode"], backfill.metrics["restated_dates"]) == ("date_range", "1")
    assert_gold_matches(spark, config, rows)

    result = run(run_gold, spark, config)  # a backfill consumes no changes: they come again

    assert (result.metrics["mode"], result.metrics["restated_dates"]) == ("incremental", "1")
    after = assert_gold_matches(spark, config, rows)
    day_column = {"gold/transactions": 3, "gold/transaction_items": 7}

    def day(name: str, key: tuple) -> date:
        return after[name][key][day_column[name]] if name in day_column else key[0]

    for name in GOLD:
        changed = rows_changed(before[name], after[name])
        assert changed, name
        assert {day(name, k) for k in changed} == {late_day}, name
    late_rows = sum(1 for name in GOLD for k in after[name] if day(name, k) == late_day)
    assert result.records_written == late_rows

    platinum = run(run_platinum, spark, config)

    assert platinum.metrics["mode"] == "incremental"
    monitors = read_table(spark, config, "platinum/monitors")
    assert_table("platinum/monitors", monitors, ref_monitors(after["gold/daily_store_sales"]))
    changed_days = {k[0] for k in rows_changed(before["platinum/monitors"], monitors)}
    assert min(changed_days) == late_day and max(changed_days) <= late_day + timedelta(days=28)
    assert_table(
        "platinum/customer_features",
        read_table(spark, config, "platinum/customer_features"),
        ref_customer_features(rows, ref_gold(rows)),
    )


def test_late_dimension_changes_restate_exactly_the_affected_rows(
    spark: SparkSession, test_config: Config, built: Built, tmp_path: Path
) -> None:
    config = lake_copy(built, test_config, tmp_path)
    before = read_all(spark, config, GOLD)
    # A late customer snapshot: C5, "regular" since 2026-01-01, was "vip" from day 10, 09:00
    # Manila; silver closes the open version there and opens a new one.
    switch = manila(FIRST_DAY + timedelta(days=10), 9)
    snapshot = [
        customer_row("C5", "regular", datetime(2026, 1, 1, tzinfo=UTC), switch),
        customer_row("C5", "vip", switch, None),
    ]
    upsert_silver(spark, config, "customers", snapshot)
    # A stores snapshot: S3 gets a region, S1 only a new name (nothing gold reads).
    stores = [store_row("S1", "NCR", name="renamed"), store_row("S3", "BARMM")]
    upsert_silver(spark, config, "stores", stores)

    result = run(run_gold, spark, config)

    customers = [c for c in built.rows.customers if c[0] != "C5"] + snapshot
    rows = replace(built.rows, customers=customers, stores=[store_row("S2", "CAR"), *stores])
    after = assert_gold_matches(spark, config, rows)
    old_tx = before["gold/transactions"]
    vip_now = {k for k, v in old_tx.items() if v[1] == "C5" and v[2] >= local_naive(switch)}
    in_s3 = {k for k, v in old_tx.items() if v[0] == "S3"}
    assert vip_now and in_s3 and result.status == "succeeded"
    assert rows_changed(old_tx, after["gold/transactions"]) == vip_now | in_s3
    assert {after["gold/transactions"][k][-1] for k in vip_now} == {"vip"}
    assert {after["gold/transactions"][k][-2] for k in in_s3} == {"BARMM"}
    changed_sales = rows_changed(before["gold/daily_store_sales"], after["gold/daily_store_sales"])
    assert {k[1] for k in changed_sales} == {"S3"}
    for name in ("gold/transaction_items", "gold/daily_category_sales", "gold/hourly_sales",
                 "gold/payment_mix"):  # fmt: skip
        assert after[name] == before[name], name
    # S1's new name restates nothing: only S3's days and C5's days are rebuilt.
    s1_only = {v[3] for v in old_tx.values() if v[0] == "S1"} - {
        v[3] for v in old_tx.values() if v[0] == "S3" or v[1] == "C5"
    }
    assert int(result.metrics["restated_dates"]) <= DAYS - len(s1_only)


def items_without_transaction(rows: SilverRows) -> int:
    """Silver item rows whose transaction_id is not a silver (so gold) transaction."""
    ids = {t[0] for t in rows.transactions}
    return sum(1 for item in rows.items if item[0] not in ids)


def test_items_without_a_gold_transaction_are_counted(
    spark: SparkSession, test_config: Config, built: Built, tmp_path: Path
) -> None:
    assert built.gold.metrics["items_without_transaction"] == str(
        items_without_transaction(built.rows)
    ) == "1"  # fmt: skip
    config = lake_copy(built, test_config, tmp_path)
    early_items = [item_row("EARLY-1", 1, "snacks", "A", 2, "3.00"),
                   item_row("EARLY-1", 2, "home", "B", 1, "9.50")]  # fmt: skip
    upsert_silver(spark, config, "items", early_items)
    rows = replace(built.rows, items=built.rows.items + early_items)

    early = run(run_gold, spark, config)  # items before their transaction: nothing to restate

    assert (early.status, early.metrics["items_without_transaction"]) == ("skipped", "3")
    assert_gold_matches(spark, config, rows)
    late_tx = [tx_row("EARLY-1", "S1", "C2", manila(FIRST_DAY + timedelta(days=2), 8), "15.50",
                      "cash")]  # fmt: skip
    upsert_silver(spark, config, "transactions", late_tx)
    rows = replace(rows, transactions=rows.transactions + late_tx)

    result = run(run_gold, spark, config)

    assert (result.status, result.metrics["items_without_transaction"]) == ("succeeded", "1")
    gold = assert_gold_matches(spark, config, rows)
    silver_items = len(rows.items)
    assert silver_items == len(gold["gold/transaction_items"]) + items_without_transaction(rows)
