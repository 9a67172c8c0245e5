"""The table catalog: one spec per lake table, and what stages derive from it."""

import pytest

from scout_spark.config import load_config
from scout_spark.lake.tables import (
    GOLD_TABLES,
    SILVER_TABLES,
    TABLES,
    delta_target,
    lock_name,
    table,
)
from scout_spark.lake.writes import DeltaTarget
from scout_spark.schemas import DATASETS


def test_every_table_is_named_by_its_layer_and_found_under_the_lake_root() -> None:
    config = load_config("local")
    root = config.lake.root.rstrip("/")
    for name, spec in TABLES.items():
        assert spec.name == name and spec.layer in ("bronze", "silver", "gold", "platinum", "_ops")
        assert spec.path(config) == f"{root}/{name}"


def test_each_dataset_has_its_bronze_silver_and_quarantine_tables() -> None:
    for dataset in DATASETS:
        assert {
            f"bronze/{dataset}", f"bronze/_state/{dataset}_files",
            f"bronze/{dataset}_rejected_files", f"silver/{dataset}",
            f"silver/{dataset}_quarantine",
        } <= TABLES.keys()  # fmt: skip
    assert SILVER_TABLES == tuple(f"silver/{d}" for d in DATASETS)
    assert all(table(name).schema is not None for name in SILVER_TABLES)


def test_targets_carry_keys_partitioning_dates_and_order() -> None:
    config = load_config("local")
    assert delta_target(config, "gold/transaction_items") == DeltaTarget(
        "gold/transaction_items", table("gold/transaction_items").path(config),
        ("transaction_id", "line_number"), ("sales_date",), "sales_date",
    )  # fmt: skip
    assert delta_target(config, "gold/payment_mix").partition_by == ()
    assert delta_target(config, "silver/transactions").cluster_by == ("transaction_ts",)
    assert delta_target(config, "silver/customers").keys == ("customer_id", "valid_from")
    assert delta_target(config, "bronze/items").partition_by == ("_ingest_date",)
    assert len(GOLD_TABLES) == 6


@pytest.mark.parametrize(
    ("name", "lock"),
    [
        ("bronze/transactions", "bronze_transactions"),
        ("bronze/_state/items_files", "bronze_items"),
        ("bronze/customers_rejected_files", "bronze_customers"),
        ("silver/stores_quarantine", "silver"),
        ("gold/hourly_sales", "gold"),
        ("platinum/run_monitors", "platinum"),
        ("_ops/run_ledger", None),
        ("gold/an_older_table", "gold"),  # not in the catalog: its layer's
        ("bronze/_state/stores_old", "bronze_stores"),
    ],
)
def test_each_table_names_the_lock_its_writer_takes(name: str, lock: str | None) -> None:
    assert lock_name(name) == lock


def test_an_unknown_table_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="gold/nope"):
        table("gold/nope")
