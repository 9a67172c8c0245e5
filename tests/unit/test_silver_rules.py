"""Silver quality rules: each default rule, rule results, counts (conservation), quarantine."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.layers.silver.checks import build_rule_input
from scout_spark.layers.silver.dedup import build_latest_passing
from scout_spark.layers.silver.rules import (
    build_rule_counts,
    select_bronze_from_quarantine,
    select_quarantine_rows,
    with_rule_results,
)
from scout_spark.quality import QualityRule, QualityRules, load_quality_rules
from scout_spark.schemas import bronze_schema

TZ = "Asia/Manila"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
LINEAGE = {
    "_source_file": "s3a://b/t/data.csv", "_source_format": "csv", "_source_size": 100,
    "_source_modified_at": datetime(2024, 3, 2, tzinfo=UTC), "_source_row": 0,
    "_ingested_at": datetime(2024, 3, 2, 1, tzinfo=UTC), "_ingest_date": date(2024, 3, 2),
    "_run_id": "bronze-1",
}  # fmt: skip
GOOD = {
    "transactions": {"store_id": "S1", "customer_id": "C1", "timestamp": "2024-03-01 10:00:00",
                     "total_amount": "12.50", "payment_method": "cash"},
    "items": {"transaction_id": "T1", "line_number": "1", "product_id": "P1", "quantity": "2",
              "unit_price": "6.25", "line_amount": "12.50"},
    "customers": {"customer_id": "C1", "segment": "gold", "updated_at": "2024-01-01 00:00:00"},
    "stores": {"store_id": "S1", "latitude": "14.6", "longitude": "121.0"},
}  # fmt: skip


@pytest.fixture(scope="module")
def rules() -> QualityRules:
    return load_quality_rules()


def bronze(spark: SparkSession, dataset: str, rows: list[dict]) -> DataFrame:
    """Bronze-shaped rows; each dict overrides a valid row, `_source_row` = its position."""
    schema = bronze_schema(dataset)
    full = [{**LINEAGE, **GOOD[dataset], "_source_row": i, **row} for i, row in enumerate(rows)]
    if dataset == "transactions":
        full = [{"transaction_id": f"T{r['_source_row']}", **r} for r in full]
    return spark.createDataFrame(
        [tuple(r.get(f.name) for f in schema.fields) for r in full], schema
    )


def checked(spark: SparkSession, rules: QualityRules, dataset: str, rows: list[dict]) -> DataFrame:
    items_df = spark.createDataFrame(
        [("T0", Decimal("12.50")), ("T12", Decimal("10.00")), ("T13", Decimal("12.49"))],
        "transaction_id string, line_amount decimal(14,2)",
    )
    stores_df = spark.createDataFrame([("S1",)], "store_id string")
    return build_rule_input(
        bronze(spark, dataset, rows), dataset=dataset, timezone=TZ,
        payment_methods=rules.payment_methods, checked_at=NOW,
        items_df=items_df, stores_df=stores_df,
    ).transform(with_rule_results, rules=rules.for_dataset(dataset))  # fmt: skip


PARSE_FAILED = ["parse_error", "transaction_id_non_empty", "store_id_non_empty",
                "timestamp_parses", "total_amount_parses"]  # fmt: skip
# (bronze values over a valid row, failed quarantine rules, failed warn rules), row = case.
RULE_CASES = {
    "transactions": [
        ({}, [], []),
        ({"transaction_id": "  "}, ["transaction_id_non_empty"], []),
        ({"store_id": ""}, ["store_id_non_empty"], ["store_known"]),
        ({"timestamp": "garbage"}, ["timestamp_parses"], []),
        ({"timestamp": "2014-12-31 23:59:59"}, ["timestamp_in_range"], []),
        ({"timestamp": "2024-06-02T12:00:00Z"}, ["timestamp_in_range"], []),
        ({"timestamp": "2024-06-01T23:00:00Z"}, [], []),
        ({"total_amount": "abc"}, ["total_amount_parses"], []),
        ({"total_amount": "-0.01"}, ["total_amount_in_range"], []),
        ({"total_amount": "1000000.01"}, ["total_amount_in_range"], []),
        ({"total_amount": "1000000"}, [], []),
        ({"updated_at": "garbage"}, [], ["updated_at_parses"]),
        ({}, [], ["total_matches_items"]),  # T12: items sum 10.00
        ({}, [], []),  # T13: items sum 12.49, within 0.01
        ({"store_id": "S9"}, [], ["store_known"]),
        ({"transaction_id": "\t\u00a0"}, ["transaction_id_non_empty"], []),  # empty once trimmed
        ({"store_id": "\tS1 "}, [], []),  # trimmed: the known store S1
        ({"_parse_error": "too many fields", "transaction_id": None, "store_id": None,
          "timestamp": None, "total_amount": None}, PARSE_FAILED, ["store_known"]),
    ],
    "items": [
        ({}, [], []),
        ({"transaction_id": ""}, ["transaction_id_non_empty"], []),
        ({"line_number": ""}, ["line_number_parses"], []),
        ({"line_number": "0"}, ["line_number_at_least_1"], []),
        ({"quantity": "x"}, ["quantity_parses"], []),
        ({"quantity": "0"}, ["quantity_positive"], []),
        ({"unit_price": "free"}, ["unit_price_parses"], []),
        ({"unit_price": "-1"}, ["unit_price_non_negative"], []),
        ({"line_amount": "?"}, ["line_amount_parses"], []),
        ({"line_amount": "-5"}, ["line_amount_non_negative"], []),
        ({"product_id": " "}, [], ["product_id_non_empty"]),
        ({"product_id": "\u00a0\t"}, [], ["product_id_non_empty"]),
        ({"updated_at": "later"}, [], ["updated_at_parses"]),
    ],
    "customers": [
        ({}, [], []),
        ({"customer_id": ""}, ["customer_id_non_empty"], []),
        ({"customer_id": "\t\r\n"}, ["customer_id_non_empty"], []),
        ({"updated_at": "nope"}, ["updated_at_parses"], []),
    ],
    "stores": [
        ({}, [], []),
        ({"store_id": None}, ["store_id_non_empty"], []),
        ({"store_id": "\u3000"}, ["store_id_non_empty"], []),
        ({"latitude": "north"}, [], ["coordinates_parse"]),
    ],
}  # fmt: skip


@pytest.mark.parametrize("dataset", RULE_CASES)
def test_with_rule_results_names_each_failed_default_rule(
    spark: SparkSession, rules: QualityRules, dataset: str
) -> None:
    cases = RULE_CASES[dataset]
    actual_df = checked(spark, rules, dataset, [c[0] for c in cases]).select(
        "_source_row", "_failed_rules", "_warned_rules"
    )
    expected_df = spark.createDataFrame(
        [(i, failed, warned) for i, (_, failed, warned) in enumerate(cases)],
        "_source_row long, _failed_rules array<string>, _warned_rules array<string>",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


def test_with_rule_results_treats_null_as_failure_and_flags_fail_rules(
    spark: SparkSession,
) -> None:
    custom = [
        QualityRule("never_null", "NULL", "warn"),
        QualityRule("big_basket", "quantity < 100", "fail"),
    ]
    typed_df = spark.createDataFrame(
        [(0, 5, None), (1, 500, None), (2, None, "bad row")],
        "_source_row long, quantity int, _parse_error string",
    )
    actual_df = with_rule_results(typed_df, rules=custom).drop("quantity", "_parse_error")
    expected_df = spark.createDataFrame(
        [
            (0, [], ["never_null"], [], False),
            (1, ["big_basket"], ["never_null"], ["big_basket"], False),
            (2, ["parse_error", "big_basket"], ["never_null"], ["big_basket"], False),
        ],
        "_source_row long, _failed_rules array<string>, _warned_rules array<string>, "
        "_fatal_rules array<string>, _is_clean boolean",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


MIXED_BATCH = [
    {"transaction_id": "T1", "total_amount": "10.00", "updated_at": "2024-03-01 10:00:00"},
    {"transaction_id": "T1", "total_amount": "11.00", "updated_at": "2024-03-01 11:00:00"},
    {"transaction_id": "T1", "total_amount": "11.00", "updated_at": "2024-03-01 11:00:00"},
    {"transaction_id": "T2", "total_amount": "5.00"},
    {"transaction_id": "T3", "total_amount": "-1"},
    {"transaction_id": "T3", "total_amount": "7.00", "store_id": "S9"},
    {"transaction_id": None, "_parse_error": "not JSON"},
]


def test_build_rule_counts_conserves_rows_on_a_mixed_batch(
    spark: SparkSession, rules: QualityRules
) -> None:
    checked_df = checked(spark, rules, "transactions", MIXED_BATCH)
    counts_df = build_rule_counts(
        checked_df, rules=rules.for_dataset("transactions"), keys=("transaction_id",)
    ).select("rows_checked", "rows_quarantined", "rows_passing", "keys_passing", "rows_clean",
             "rows_warned", "failures_parse_error", "failures_total_amount_in_range",
             "failures_store_known")  # fmt: skip
    expected_df = spark.createDataFrame(
        [(7, 2, 5, 3, 4, 1, 1, 1, 1)],
        "rows_checked long, rows_quarantined long, rows_passing long, keys_passing long, "
        "rows_clean long, rows_warned long, failures_parse_error long, "
        "failures_total_amount_in_range long, failures_store_known long",
    )
    assert_df_equality(counts_df, expected_df, ignore_nullable=True)
    merged_df = build_latest_passing(checked_df, dataset="transactions").select(
        "transaction_id", "total_amount", "_source_row"
    )
    expected_merged_df = spark.createDataFrame(
        [("T1", Decimal("11.00"), 2), ("T2", Decimal("5.00"), 3), ("T3", Decimal("7.00"), 5)],
        "transaction_id string, total_amount decimal(14,2), _source_row long",
    )
    assert_df_equality(merged_df, expected_merged_df, ignore_nullable=True, ignore_row_order=True)
    counts = counts_df.first()
    duplicates = counts["rows_passing"] - counts["keys_passing"]
    assert counts["rows_checked"] == merged_df.count() + counts["rows_quarantined"] + duplicates


def test_select_quarantine_rows_keeps_reasons_raw_values_and_lineage(
    spark: SparkSession, rules: QualityRules
) -> None:
    rows = [{"total_amount": " -3 ", "payment_method": " GCASH "}, {}]
    quarantine_df = select_quarantine_rows(
        checked(spark, rules, "transactions", rows).filter(F.size("_failed_rules") > 0),
        dataset="transactions", run_id="silver-1", quarantined_at=NOW,
    ).drop("_row_id", "_raw_record", "_source_format", "_source_size", "_ingested_at",
           "_source_modified_at")  # fmt: skip
    expected_df = spark.createDataFrame(
        [(["total_amount_in_range"], ["total_matches_items"], "T0", "S1", "C1", "2024-03-01 10:00:00",
          " -3 ", " GCASH ", None, None, "s3a://b/t/data.csv", 0, date(2024, 3, 2), "bronze-1",
          NOW, "silver-1", None, None)],
        "failed_rules array<string>, warned_rules array<string>, transaction_id string, "
        "store_id string, customer_id string, timestamp string, total_amount string, "
        "payment_method string, updated_at string, _parse_error string, _source_file string, "
        "_source_row long, _ingest_date date, _bronze_run_id string, quarantined_at timestamp, "
        "quarantine_run_id string, replayed_at timestamp, replay_run_id string",
    )  # fmt: skip
    assert_df_equality(quarantine_df, expected_df, ignore_nullable=True)


def test_select_bronze_from_quarantine_restores_the_bronze_rows(
    spark: SparkSession, rules: QualityRules
) -> None:
    rows = [{"quantity": "0", "_raw_record": '{"quantity": 0}'}, {"_parse_error": "bad"}]
    bronze_df = bronze(spark, "items", rows)
    quarantine_df = select_quarantine_rows(
        checked(spark, rules, "items", rows), dataset="items", run_id="r", quarantined_at=NOW
    )
    restored_df = select_bronze_from_quarantine(quarantine_df, dataset="items")
    assert_df_equality(restored_df, bronze_df, ignore_nullable=True, ignore_row_order=True)
