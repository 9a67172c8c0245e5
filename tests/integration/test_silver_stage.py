"""The silver stage over bronze tables built in tmp_path: incremental runs, reruns, faults."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from silver_lake import (
    DAY_2,
    FEB,
    FIRST_FILE,
    MAR,
    SECOND_FILE,
    SECOND_TX,
    TX_COLUMNS,
    TX_DDL,
    add_bronze,
    add_second_delivery,
    conserved,
    counts,
    lake_config,
    run,
    snapshot,
    table,
    tx,
    utc,
)

from scout_spark.config import Config
from scout_spark.context import RunContext
from scout_spark.lake.writes import table_version
from scout_spark.records.checkpoints import read_checkpoints
from scout_spark.results import StageResult


def test_silver_stage_first_run_checks_quarantines_and_then_skips(
    spark: SparkSession, first_run: tuple[Path, StageResult], lake_copy: Callable[[str], Config]
) -> None:
    first = first_run[1]
    assert first.status == "succeeded" and conserved(first)
    assert counts(first) == {"stores": (1, 1, 0, 0), "customers": (1, 1, 0, 0),
                             "items": (2, 1, 1, 0), "transactions": (8, 3, 4, 1)}  # fmt: skip
    assert first.metrics["transactions.rule.store_known"] == "3"  # S9, "" and the parse error
    # clean: T1's newer row and T2 (T1's older row differs from its items' total, T6 warns)
    assert first.parts["transactions"].data_quality_score == pytest.approx(2 / 8)
    config = lake_copy("lake")
    quarantine_df = table(spark, config, "transactions_quarantine").select(
        "transaction_id", "failed_rules", "_source_row", "total_amount"
    )
    expected_quarantine_df = spark.createDataFrame(
        [("T3", ["total_amount_parses"], 3, "abc"), ("T4", ["timestamp_in_range"], 4, "10.00"),
         (None, ["parse_error", "transaction_id_non_empty", "store_id_non_empty",
                 "timestamp_parses", "total_amount_parses"], 5, None),
         ("T5", ["store_id_non_empty"], 6, "10.00")],
        "transaction_id string, failed_rules array<string>, _source_row long, total_amount string",
    )  # fmt: skip
    assert_df_equality(quarantine_df, expected_quarantine_df, ignore_nullable=True,
                       ignore_row_order=True)  # fmt: skip
    assert run(spark, config).status == "skipped"


# Lineage columns: which delivery a kept row came from differs between a MERGE and a rebuild.
LINEAGE = ["_source_file", "_source_modified_at", "_source_row", "_ingested_at", "_run_id"]
EXPECTED_TX = [
    ("T1", "S1", "C1", utc(2), Decimal("120.00"), "cash", utc(2), FIRST_FILE, 1),
    ("T2", "S1", "C1", utc(2), Decimal("50.00"), "gcash", None, FIRST_FILE, 2),
    ("T6", "S9", "C1", utc(2), Decimal("70.00"), "cash", utc(3), SECOND_FILE, 2),
    ("T7", "S1", "C1", utc(2), Decimal("5.00"), "cash", None, SECOND_FILE, 3),
]


def test_silver_stage_merges_new_rows_once_splits_history_and_rebuilds_identically(
    spark: SparkSession, lake_copy: Callable[[str], Config]
) -> None:
    config = lake_copy("lake")
    add_bronze(spark, config, "transactions", SECOND_FILE, SECOND_TX, DAY_2)
    add_bronze(spark, config, "customers", "customers/mar.csv",
               snapshot(MAR, {"C1": "platinum", "C2": "silver"}), MAR)  # fmt: skip
    second = run(spark, config)
    assert conserved(second)
    assert counts(second) == {"customers": (2, 2, 0, 0), "transactions": (4, 4, 0, 0)}
    merged = (
        second.metrics["transactions.rows_updated"],
        second.metrics["transactions.rows_inserted"],
    )
    assert merged == ("1", "1")  # T6 corrected, T7 new; T1's older version and T2's re-send no-ops
    assert_df_equality(table(spark, config, "transactions").select(TX_COLUMNS),
                       spark.createDataFrame(EXPECTED_TX, TX_DDL),
                       ignore_nullable=True, ignore_row_order=True)  # fmt: skip

    # A snapshot arriving late, dated between the two already in silver, splits C1's history.
    add_bronze(spark, config, "customers", "customers/feb.csv",
               snapshot(FEB, {"C1": "silver", "C2": "silver"}), datetime(2024, 3, 5, tzinfo=UTC))  # fmt: skip
    late = run(spark, config)
    assert counts(late) == {"customers": (2, 2, 0, 0)}
    manila = [
        datetime(2023, 12, 31, 16, tzinfo=UTC),
        datetime(2024, 1, 31, 16, tzinfo=UTC),
        datetime(2024, 2, 29, 16, tzinfo=UTC),
    ]  # midnight Manila of JAN, FEB, MAR
    customers_df = table(spark, config, "customers")
    expected_customers_df = spark.createDataFrame(
        [("C1", "gold", "NCR", manila[0], manila[0], manila[1], False),
         ("C1", "silver", "NCR", manila[1], manila[1], manila[2], False),
         ("C1", "platinum", "NCR", manila[2], manila[2], None, True),
         ("C2", "silver", "NCR", manila[1], manila[1], None, True)],
        customers_df.schema,
    )  # fmt: skip
    assert_df_equality(customers_df, expected_customers_df, ignore_nullable=True,
                       ignore_row_order=True)  # fmt: skip

    # Lineage aside (a full refresh keeps the latest identical re-send), rebuilds are identical.
    names = ("transactions", "items", "customers")
    snapshots = {n: table(spark, config, n).drop(*LINEAGE).localCheckpoint() for n in names}
    quarantined = table(spark, config, "transactions_quarantine").count()
    ranged = run(spark, config, from_date=date(2024, 3, 2), to_date=date(2024, 3, 2))
    assert counts(ranged) == {"transactions": (4, 4, 0, 0)}
    assert ranged.metrics["transactions.rows_updated"] == "0"
    rebuilt = run(spark, config, full_refresh=True)
    assert conserved(rebuilt) and rebuilt.records_read == 8 + 2 + 1 + 1 + 4 + 2 + 2
    for name, before_df in snapshots.items():
        assert_df_equality(table(spark, config, name).drop(*LINEAGE), before_df,
                           ignore_nullable=True, ignore_row_order=True)  # fmt: skip
    assert table(spark, config, "transactions_quarantine").count() == quarantined


def test_silver_stage_rerun_after_a_crash_equals_an_uninterrupted_run(
    spark: SparkSession, lake_copy: Callable[[str], Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    import scout_spark.pipelines.silver as silver
    import scout_spark.pipelines.silver_writes as silver_writes

    clean, crashed = lake_copy("clean"), lake_copy("crashed")
    for config in (clean, crashed):
        add_second_delivery(spark, config)
    uninterrupted = run(spark, clean)

    write_silver = silver_writes._write_silver

    def crash_on_transactions(ctx: RunContext, mode: str, dataset: str, df: DataFrame) -> object:
        if dataset == "transactions":  # items are merged, the transactions' quarantine appended
            raise RuntimeError("crash before the transactions merge")
        return write_silver(ctx, mode, dataset, df)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("crash before the checkpoint")

    for module, name, fake in ((silver_writes, "_write_silver", crash_on_transactions),
                               (silver, "save_checkpoints", crash)):  # fmt: skip
        with monkeypatch.context() as patched:
            patched.setattr(module, name, fake)
            with pytest.raises(RuntimeError, match="crash before"):
                run(spark, crashed)
    rerun = run(spark, crashed)

    assert counts(rerun) == counts(uninterrupted) == {"items": (2, 1, 1, 0),
                                                      "transactions": (4, 4, 0, 0)}  # fmt: skip
    per_run = ["quarantined_at", "quarantine_run_id"]
    for name in ("transactions", "items", "transactions_quarantine", "items_quarantine"):
        assert_df_equality(table(spark, crashed, name).drop(*per_run),
                           table(spark, clean, name).drop(*per_run),
                           ignore_nullable=True, ignore_row_order=True)  # fmt: skip
    assert read_checkpoints(spark, crashed, "silver") == read_checkpoints(spark, clean, "silver")


def test_silver_stage_replays_quarantine_exactly_once(
    spark: SparkSession, lake_copy: Callable[[str], Config], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import scout_spark.pipelines.silver_writes as silver_writes

    config = lake_copy("lake")
    relaxed = tmp_path / "relaxed.yaml"  # future timestamps and zero quantities now pass
    default = Path(__file__).resolve().parents[2] / "conf" / "quality_rules.yaml"
    text = default.read_text(encoding="utf-8")
    for rule in ("timestamp_in_range", "quantity_positive"):
        text = text.replace(
            f"name: {rule}\n      severity: quarantine", f"name: {rule}\n      severity: warn"
        )
    relaxed.write_text(text, encoding="utf-8")

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("crash before marking the replayed rows")

    with monkeypatch.context() as patched:
        patched.setattr(silver_writes, "select_replay_marks", crash)
        with pytest.raises(RuntimeError):
            run(spark, config, replay_quarantine=True, quality_rules=str(relaxed))
    replayed = run(spark, config, replay_quarantine=True, quality_rules=str(relaxed))
    assert counts(replayed) == {"items": (1, 1, 0, 0), "transactions": (4, 1, 3, 0)}
    again = run(spark, config, replay_quarantine=True, quality_rules=str(relaxed))
    assert counts(again) == {"transactions": (3, 0, 3, 0)}

    silver_df = table(spark, config, "transactions").select("transaction_id", "total_amount")
    expected_df = spark.createDataFrame(
        [(t, Decimal(a)) for t, a in (("T1", "120"), ("T2", "50"), ("T4", "10"), ("T6", "60"))],
        "transaction_id string, total_amount decimal(14,2)",
    )
    assert_df_equality(silver_df, expected_df, ignore_nullable=True, ignore_row_order=True)
    marks_df = table(spark, config, "transactions_quarantine").select(
        "_source_row", F.col("replayed_at").isNotNull().alias("is_replayed")
    )
    expected_marks_df = spark.createDataFrame(
        [(3, False), (4, True), (5, False), (6, False)], "_source_row long, is_replayed boolean"
    )
    assert_df_equality(marks_df, expected_marks_df, ignore_nullable=True, ignore_row_order=True)


def test_silver_stage_fail_rule_writes_nothing(
    spark: SparkSession, test_config: Config, tmp_path: Path
) -> None:
    config = lake_config(test_config, tmp_path / "lake")
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "datasets:\n  transactions:\n    - name: no_huge_basket\n      severity: fail\n"
        "      expression: total_amount < 1000\n",
        encoding="utf-8",
    )
    add_bronze(spark, config, "transactions", "tx.csv", [tx("T1", "5.00"), tx("T2", "5000.00")])
    with pytest.raises(Exception, match=r"rule 'no_huge_basket' failed for 1 of 2 rows") as raised:
        run(spark, config, quality_rules=str(rules))
    assert "\n" not in str(raised.value)
    written = [config.lake_path("silver", "transactions"),
               config.lake_path("silver", "transactions_quarantine"),
               config.lake_path("_ops", "checkpoints")]  # fmt: skip
    assert [table_version(spark, path) for path in written] == [None, None, None]


def test_a_dataset_whose_change_feed_is_unreadable_is_rebuilt_on_its_own(
    spark: SparkSession, lake_copy: Callable[[str], Config]
) -> None:
    """The planner's fallback (as gold's): transactions rebuilt in full, items incremental."""
    merged, rebuilt = lake_copy("merged"), lake_copy("rebuilt")
    path = rebuilt.lake_path("bronze", "transactions")
    spark.sql(f"ALTER TABLE delta.`{path}` SET TBLPROPERTIES (delta.enableChangeDataFeed=false)")
    for config in (merged, rebuilt):
        add_second_delivery(spark, config)
    expected, result = run(spark, merged), run(spark, rebuilt)
    assert result.status == "succeeded" and conserved(result)
    assert (expected.metrics["transactions.mode"], expected.metrics["items.mode"]) == (
        "incremental", "incremental",
    )  # fmt: skip
    assert (result.metrics["transactions.mode"], result.metrics["items.mode"]) == (
        "full_refresh", "incremental",
    )  # fmt: skip
    assert "(change feed unreadable (" in result.metrics["transactions.source"]
    for name in ("transactions", "items", "transactions_quarantine"):
        drop = (
            [*LINEAGE, "quarantined_at", "quarantine_run_id"] if "quarantine" in name else LINEAGE
        )
        assert_df_equality(table(spark, rebuilt, name).drop(*drop),
                           table(spark, merged, name).drop(*drop),
                           ignore_nullable=True, ignore_row_order=True)  # fmt: skip
    assert run(spark, rebuilt).status == "skipped"  # the checkpoint moved on
