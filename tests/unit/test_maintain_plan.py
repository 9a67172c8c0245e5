"""What maintenance does: the tables of different writers' locks at once, one lock's in
turn; no OPTIMIZE of a table unchanged since its last one."""

from scout_spark.ops.maintain import HISTORY_LOOKBACK, lock_groups, only_vacuums, optimized_version


def _commit(version: int, operation: str, zorder: str | None = None) -> dict[str, object]:
    params = {} if zorder is None else {"zOrderBy": zorder, "predicate": "[]"}
    return {"version": version, "operation": operation, "operationParameters": params}


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


def test_a_table_unchanged_since_its_optimize_is_left_alone() -> None:
    history = [  # newest first, as DESCRIBE HISTORY
        _commit(9, "VACUUM END"),
        _commit(8, "VACUUM START"),
        _commit(7, "OPTIMIZE", '["store_id"]'),
        _commit(6, "WRITE"),
    ]
    assert optimized_version(history, ["store_id"]) == 7
    assert optimized_version(history[2:], ["store_id"]) == 7


def test_a_write_a_restore_or_other_columns_since_the_optimize_optimize_again() -> None:
    optimize = _commit(7, "OPTIMIZE", '["store_id"]')
    assert optimized_version([_commit(8, "MERGE"), optimize], ["store_id"]) is None
    assert optimized_version([_commit(8, "RESTORE"), optimize], ["store_id"]) is None
    assert optimized_version([optimize], ["product_id"]) is None  # Z-ORDER columns changed
    assert optimized_version([optimize], []) is None
    assert optimized_version([_commit(3, "OPTIMIZE", "[]")], []) == 3  # compaction only
    assert optimized_version([_commit(0, "WRITE")], []) is None  # never optimized
    assert optimized_version([], []) is None


def test_a_history_page_of_only_vacuums_is_read_further_back() -> None:
    """Before, ten maintains whose VACUUMs ran (two commits each) pushed the latest OPTIMIZE
    out of the commits read, and the next maintain Z-ordered the whole unchanged table again."""
    vacuums = [_commit(v, "VACUUM END" if v % 2 else "VACUUM START") for v in range(21, 1, -1)]
    assert len(vacuums) == HISTORY_LOOKBACK
    assert optimized_version(vacuums, ["store_id"]) is None  # the page alone cannot tell
    assert only_vacuums(vacuums, HISTORY_LOOKBACK)
    full = [*vacuums, _commit(1, "OPTIMIZE", '["store_id"]'), _commit(0, "WRITE")]
    assert optimized_version(full, ["store_id"]) == 1

    assert not only_vacuums(vacuums[1:], HISTORY_LOOKBACK)  # the whole history was read
    assert not only_vacuums([*vacuums[1:], _commit(1, "WRITE")], HISTORY_LOOKBACK)
