"""The chaos run's comparison: rows as multisets both ways, run columns left out."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

from scout_lab.bench.chaos_compare import compare, delta_tables, diff, multiset

COLUMNS = ["transaction_id", "total_amount", "_run_id", "_ingested_at"]


def _rows(*rows: tuple) -> Counter:
    return multiset(COLUMNS, rows, "bronze/transactions")


def test_rows_of_other_runs_compare_equal() -> None:
    reference = _rows(("T1", Decimal("1.00"), "run-a", "10:00"), ("T2", Decimal("2.00"), "a", 1))
    rerun = _rows(("T2", Decimal("2.00"), "run-b", "11:00"), ("T1", Decimal("1.00"), "b", 2))
    assert diff(reference, rerun).equal


def test_lost_duplicated_and_extra_rows_are_counted_apart() -> None:
    reference = _rows(("T1", 1, "a", 0), ("T2", 2, "a", 0), ("T3", 3, "a", 0))
    state = _rows(("T1", 1, "b", 0), ("T1", 1, "b", 0), ("T1", 1, "c", 0), ("T9", 9, "b", 0))
    result = diff(reference, state)
    assert (result.lost, result.duplicated, result.extra) == (2, 2, 1)
    assert not result.equal


def test_a_row_kept_twice_in_the_reference_and_once_in_the_run_is_lost() -> None:
    result = diff(_rows(("T1", 1, "a", 0), ("T1", 1, "a", 0)), _rows(("T1", 1, "b", 0)))
    assert (result.lost, result.duplicated, result.extra) == (1, 0, 0)


def test_updated_at_is_data_in_the_lake_but_the_run_time_in_etl_pipelines() -> None:
    columns = ["name", "updated_at"]
    lake = [multiset(columns, [("x", t)], "silver/customers") for t in (1, 2)]
    pg = [multiset(columns, [("x", t)], "pg:etl_pipelines") for t in (1, 2)]
    assert not diff(*lake).equal
    assert diff(*pg).equal


def test_maps_compare_regardless_of_order_and_doubles_to_nine_digits() -> None:
    columns = ["metrics", "share"]
    left = multiset(columns, [({"a": 1, "b": 2}, 0.1 + 0.2)])
    right = multiset(columns, [({"b": 2, "a": 1}, 0.3)])
    assert diff(left, right).equal


def test_run_records_are_listed_not_compared_and_a_missing_table_is_empty() -> None:
    reference = {"_ops/run_ledger": Counter({("x",): 1}), "gold/t": Counter({("y",): 1})}
    state = {"_ops/run_ledger": Counter({("x",): 1, ("killed",): 1})}
    result = compare(reference, state)
    assert result.tables["_ops/run_ledger"].equal
    assert result.tables["gold/t"].lost == 1
    assert list(result.differing()) == ["gold/t"]


def test_delta_tables_are_found_by_their_log_at_any_depth(tmp_path: Path) -> None:
    for table in ("silver/transactions", "bronze/_state/items_files", "_ops/run_ledger"):
        (tmp_path / table / "_delta_log").mkdir(parents=True)
    (tmp_path / "_ops" / "locks").mkdir()
    assert list(delta_tables(tmp_path)) == [
        "_ops/run_ledger",
        "bronze/_state/items_files",
        "silver/transactions",
    ]


def test_locations_compare_relative_to_each_runs_own_lake() -> None:
    columns = ["table_name", "location"]
    reference = multiset(columns, [("gold/t", "file:///a/lake/gold/t")], "", ("file:///a/lake",))
    trial = multiset(columns, [("gold/t", "file:///b/lake/gold/t")], "", ("file:///b/lake",))
    elsewhere = multiset(columns, [("gold/t", "file:///c/lake/gold/t")], "", ("file:///b/lake",))
    assert diff(reference, trial).equal
    assert not diff(reference, elsewhere).equal


def test_unfinished_marks_compare_by_each_writers_latest_mark(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A killed gold run's `started` mark stays in the history; the rerun's marks then end
    in `finished`, as the reference's do: equal. A writer left `started` is not."""
    from datetime import datetime

    from scout_lab.bench.chaos_compare import lake_rows
    from scout_spark.records.unfinished import MARK_SCHEMA

    def marks(name: str, *rows: tuple[str, str, int]) -> Counter:
        values = [
            ("gold", state, None, run, datetime(2026, 1, 1, 0, minute))
            for state, run, minute in rows
        ]
        path = str(tmp_path / name)
        spark.createDataFrame(values, MARK_SCHEMA).write.format("delta").save(path)
        return lake_rows(spark, path, name="_ops/unfinished_writes")

    reference = marks("ref", ("started", "ref", 1), ("finished", "ref", 2))
    rerun = marks(
        "rerun", ("started", "killed", 1), ("started", "rerun", 2), ("finished", "rerun", 3)
    )
    left = marks("left", ("started", "ref", 1), ("finished", "ref", 2), ("started", "killed", 3))
    assert compare({"t": reference}, {"t": rerun}).equal
    assert not compare({"t": reference}, {"t": left}).equal


def test_checkpoints_compare_by_each_consumers_latest_row_per_source(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A gold run killed after saving its checkpoint, then rerun, saves its checkpoint
    again: the same checkpoint. One source's checkpoint missing is not. (Versions are left
    out, as everywhere: a killed run's commits move them.)"""
    from datetime import datetime

    from scout_lab.bench.chaos_compare import lake_rows
    from scout_spark.records.checkpoints import CHECKPOINT_SCHEMA

    def saved(name: str, *rows: tuple[str, int, int]) -> Counter:
        values = [("gold", source, version, f"r{minute}", datetime(2026, 1, 1, 0, minute))
                  for source, version, minute in rows]  # fmt: skip
        path = str(tmp_path / name)
        spark.createDataFrame(values, CHECKPOINT_SCHEMA).write.format("delta").save(path)
        return lake_rows(spark, path, name="_ops/checkpoints")

    reference = saved("ref", ("silver/items", 3, 1), ("silver/transactions", 5, 1))
    again = saved("again", ("silver/items", 3, 1), ("silver/transactions", 5, 1),
                  ("silver/items", 3, 2), ("silver/transactions", 5, 2))  # fmt: skip
    missing = saved("missing", ("silver/items", 3, 1), ("silver/items", 3, 2))
    assert compare({"t": reference}, {"t": again}).equal
    assert compare({"t": reference}, {"t": missing}).tables["t"].lost == 1


def test_locations_compare_relative_to_each_lake_they_were_written_in() -> None:
    columns = ["table_name", "location"]
    run = multiset(columns, [("a", "file:///t/trial/lake/gold/a"), ("b", "file:///p/run/lake/b")],
                   "pg:data_lake_registry", ("file:///t/trial/lake", "file:///p/run/lake"))  # fmt: skip
    reference = multiset(columns, [("a", "file:///p/run/lake/gold/a"), ("b", "file:///r/lake/b")],
                         "pg:data_lake_registry", ("file:///r/lake", "file:///p/run/lake"))  # fmt: skip
    assert diff(reference, run).equal
    elsewhere = multiset(columns, [("a", "file:///x/lake/gold/a"), ("b", "file:///p/run/lake/b")],
                         "pg:data_lake_registry", ("file:///t/trial/lake", "file:///p/run/lake"))  # fmt: skip
    assert diff(reference, elsewhere).lost == 1  # a location in no lake of the run's stays
