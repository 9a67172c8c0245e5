"""Maintenance runs the tables of different writers' locks at once, one lock's in turn."""

from scout_spark.ops.maintain import lock_groups


def test_tables_are_grouped_by_their_writers_lock_in_order() -> None:
    tables = {
        name: f"/lake/{name}"
        for name in (
            "_ops/checkpoints", "_ops/run_ledger", "bronze/items", "bronze/_state/items_files",
            "bronze/transactions", "gold/daily_store_sales", "gold/transactions",
            "platinum/monitors", "silver/items", "silver/items_quarantine",
        )
    }  # fmt: skip

    groups = lock_groups(tables)

    assert [list(g) for g in groups] == [
        ["_ops/checkpoints"],  # no writer's lock: each alone
        ["_ops/run_ledger"],
        ["bronze/items", "bronze/_state/items_files"],  # bronze: one lock per dataset
        ["bronze/transactions"],
        ["gold/daily_store_sales", "gold/transactions"],
        ["platinum/monitors"],
        ["silver/items", "silver/items_quarantine"],
    ]
    assert groups[2]["bronze/items"] == "/lake/bronze/items"
