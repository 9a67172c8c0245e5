"""Silver casts: timestamps to UTC (naive = Manila), amounts, ints, payment_method."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial

import pytest
from chispa import assert_df_equality
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.layers.silver.cast import (
    normalise_payment_method,
    parse_decimal,
    parse_int,
    parse_timestamp,
    select_typed_rows,
    trim_key,
    with_bronze_columns,
)
from scout_spark.schemas import BRONZE_LINEAGE_FIELDS, bronze_schema

TZ = "Asia/Manila"
METHODS = ("cash", "gcash", "maya", "card")
MODIFIED = datetime(2024, 3, 2, tzinfo=UTC)
INGESTED = datetime(2024, 3, 2, 1, tzinfo=UTC)
LINEAGE = {
    "_raw_record": None, "_parse_error": None, "_source_file": "s3a://b/t/data.csv",
    "_source_format": "csv", "_source_size": 100, "_source_modified_at": MODIFIED,
    "_source_row": 0, "_ingested_at": INGESTED, "_ingest_date": date(2024, 3, 2),
    "_run_id": "bronze-1",
}  # fmt: skip
LINEAGE_NAMES = [f.name for f in BRONZE_LINEAGE_FIELDS]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def bronze(spark: SparkSession, dataset: str, rows: list[dict]) -> DataFrame:
    """A bronze-shaped frame: contract text columns from `rows`, lineage defaulted."""
    schema = bronze_schema(dataset)
    values = [tuple({**LINEAGE, **row}.get(f.name) for f in schema.fields) for row in rows]
    return spark.createDataFrame(values, schema)


def assert_cases(
    spark: SparkSession, cases: list[tuple], parse: Callable[[Column], Column], out_ddl: str
) -> None:
    """Whole-frame check of a case table: (text, expected) rows -> (text, parsed) frame."""
    input_df = spark.createDataFrame([(text,) for text, _ in cases], "text string")
    actual_df = input_df.select("text", parse(F.col("text")).alias("out"))
    expected_df = spark.createDataFrame(cases, f"text string, out {out_ddl}")
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


TIMESTAMP_CASES = {
    "offset_honoured": [
        ("2024-03-01T10:00:00+08:00", utc(2024, 3, 1, 2)),
        ("2024-03-01T10:00:00Z", utc(2024, 3, 1, 10)),
        ("2024-03-01T10:00:00+0800", utc(2024, 3, 1, 2)),
        ("2024-03-01T10:00:00-05:00", utc(2024, 3, 1, 15)),
        ("2024-03-01T10:00:00 Asia/Manila", utc(2024, 3, 1, 2)),
    ],
    "naive_is_manila": [
        ("2024-03-01 10:00:00", utc(2024, 3, 1, 2)),
        ("2024-03-01T10:00:00.250", utc(2024, 3, 1, 2, 0, 0, 250000)),
        (" 2024-03-01 10:00 ", utc(2024, 3, 1, 2)),
        ("2024-03-01", utc(2024, 2, 29, 16)),
    ],
    "unparseable_is_null": [
        ("2024-13-01 10:00:00", None), ("yesterday", None), ("1700000000", None),
        ("", None), (None, None),
    ],
}  # fmt: skip


@pytest.mark.parametrize("cases", TIMESTAMP_CASES.values(), ids=TIMESTAMP_CASES.keys())
def test_parse_timestamp_converts_to_utc(spark: SparkSession, cases: list[tuple]) -> None:
    assert_cases(spark, cases, partial(parse_timestamp, timezone=TZ), "timestamp")


DECIMAL_CASES = {
    "numeric_text": [
        ("12.50", Decimal("12.50")), (" 7 ", Decimal("7.00")), ("-3", Decimal("-3.00")),
        ("12.505", Decimal("12.51")), ("1.25E1", Decimal("12.50")),
    ],
    "garbage_or_overflow_is_null": [
        ("1e20", None), ("12,50", None), ("PHP 5", None), ("", None), (None, None),
    ],
}  # fmt: skip


@pytest.mark.parametrize("cases", DECIMAL_CASES.values(), ids=DECIMAL_CASES.keys())
def test_parse_decimal_reads_numeric_text(spark: SparkSession, cases: list[tuple]) -> None:
    assert_cases(spark, cases, partial(parse_decimal, precision=14, scale=2), "decimal(14,2)")


INT_CASES = {
    "whole_numbers": [("3", 3), (" 3 ", 3), ("3.0", 3), ("-2", -2)],
    "fraction_garbage_overflow_is_null": [
        ("3.5", None), ("x", None), ("99999999999", None), ("", None), (None, None),
    ],
}  # fmt: skip


@pytest.mark.parametrize("cases", INT_CASES.values(), ids=INT_CASES.keys())
def test_parse_int_accepts_whole_numbers_only(spark: SparkSession, cases: list[tuple]) -> None:
    assert_cases(spark, cases, parse_int, "int")


PAYMENT_CASES = {
    "known_methods_trimmed_and_lowercased": [
        ("Cash", "cash"), (" GCASH ", "gcash"), ("maya", "maya"), ("CARD", "card"),
    ],
    "null_or_empty_is_cash": [(None, "cash"), ("", "cash"), ("   ", "cash")],
    "unknown_is_other": [("bitcoin", "other"), ("Maya Pay", "other"), ("g-cash", "other")],
}  # fmt: skip


@pytest.mark.parametrize("cases", PAYMENT_CASES.values(), ids=PAYMENT_CASES.keys())
def test_normalise_payment_method_maps_to_the_configured_set(
    spark: SparkSession, cases: list[tuple]
) -> None:
    assert_cases(spark, cases, partial(normalise_payment_method, allowed=METHODS), "string")


def test_select_typed_rows_casts_transactions_and_keeps_raw_text(spark: SparkSession) -> None:
    bronze_df = bronze(
        spark,
        "transactions",
        [
            {"transaction_id": "T1", "store_id": "S1", "customer_id": "C1",
             "timestamp": "2024-03-01 10:00:00", "total_amount": "12.50",
             "payment_method": " GCASH ", "updated_at": "2024-03-01T03:00:00Z"},
            {"transaction_id": "T2", "store_id": "S2", "customer_id": " ",
             "timestamp": "soon", "total_amount": "abc", "payment_method": "Bitcoin"},
            {"_source_row": 2},  # every value missing
        ],
    )  # fmt: skip
    actual_df = select_typed_rows(
        bronze_df, dataset="transactions", timezone=TZ, payment_methods=METHODS
    ).drop("_row_id", *LINEAGE_NAMES)
    expected_df = spark.createDataFrame(
        [
            ("T1", "S1", "C1", utc(2024, 3, 1, 2), Decimal("12.50"), "gcash", utc(2024, 3, 1, 3),
             ("T1", "S1", "C1", "2024-03-01 10:00:00", "12.50", " GCASH ", "2024-03-01T03:00:00Z")),
            ("T2", "S2", None, None, None, "other", None,
             ("T2", "S2", " ", "soon", "abc", "Bitcoin", None)),
            (None, None, None, None, None, "cash", None, (None,) * 7),
        ],
        "transaction_id string, store_id string, customer_id string, transaction_ts timestamp, "
        "total_amount decimal(14,2), payment_method string, updated_at timestamp, "
        "_raw struct<transaction_id: string, store_id: string, customer_id: string, "
        "timestamp: string, total_amount: string, payment_method: string, updated_at: string>",
    )  # fmt: skip
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


KEY_CASES = {
    "surrounding_whitespace_removed": [
        (" T1 ", "T1"), ("\tS-01\r\n", "S-01"), ("\u00a0C9\u3000", "C9"), ("\ufeffP7", "P7"),
    ],
    "inner_whitespace_kept": [("T 1", "T 1"), (" a  b ", "a  b")],
    "empty_after_trimming_is_null": [("", None), (" \t ", None), ("\u00a0", None), (None, None)],
}  # fmt: skip


@pytest.mark.parametrize("cases", KEY_CASES.values(), ids=KEY_CASES.keys())
def test_trim_key_removes_surrounding_whitespace(spark: SparkSession, cases: list[tuple]) -> None:
    assert_cases(spark, cases, trim_key, "string")


def test_select_typed_rows_trims_every_key_of_every_dataset(spark: SparkSession) -> None:
    keys = {
        "transactions": ("transaction_id", "store_id", "customer_id"),
        "items": ("transaction_id", "product_id"),
        "customers": ("customer_id",),
        "stores": ("store_id",),
    }
    padded = {"transaction_id": " T1\t", "store_id": "\u00a0S1 ", "customer_id": " C1",
              "product_id": "P1 \n"}  # fmt: skip
    for dataset, names in keys.items():
        rows = [
            {**padded, "product_name": " Tasty ", "segment": " vip ", "store_name": " Nena "},
            {name: " " for name in names},  # keys empty after trimming
            {"_source_row": 2},  # every value missing
        ]
        actual_df = select_typed_rows(
            bronze(spark, dataset, rows), dataset=dataset, timezone=TZ, payment_methods=METHODS
        ).select(*names, "_raw")
        trimmed = {
            "transaction_id": "T1",
            "store_id": "S1",
            "customer_id": "C1",
            "product_id": "P1",
        }
        raw_names = actual_df.schema["_raw"].dataType.names
        expected = [
            (*[trimmed[n] for n in names], tuple(rows[0].get(n) for n in raw_names)),
            (*[None for _ in names], tuple(rows[1].get(n) for n in raw_names)),
            (*[None for _ in names], tuple(None for _ in raw_names)),
        ]
        expected_df = spark.createDataFrame(expected, actual_df.schema)
        assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


def test_select_typed_rows_casts_items(spark: SparkSession) -> None:
    bronze_df = bronze(
        spark,
        "items",
        [
            {"transaction_id": "T1", "line_number": "1", "product_id": "P1", "product_name": "",
             "brand": "B", "category": "C", "quantity": "2.0", "unit_price": "3.25",
             "line_amount": "6.50"},
            {"transaction_id": "T1", "line_number": "x", "product_id": "P2", "quantity": "1.5",
             "unit_price": "-1", "line_amount": "n/a", "updated_at": "2024-03-01 08:00:00"},
        ],
    )  # fmt: skip
    actual_df = select_typed_rows(
        bronze_df, dataset="items", timezone=TZ, payment_methods=METHODS
    ).select("transaction_id", "line_number", "product_id", "product_name", "brand", "category",
             "quantity", "unit_price", "line_amount", "updated_at")  # fmt: skip
    expected_df = spark.createDataFrame(
        [
            ("T1", 1, "P1", None, "B", "C", 2, Decimal("3.25"), Decimal("6.50"), None),
            ("T1", None, "P2", None, None, None, None, Decimal("-1.00"), None, utc(2024, 3, 1)),
        ],
        "transaction_id string, line_number int, product_id string, product_name string, "
        "brand string, category string, quantity int, unit_price decimal(12,2), "
        "line_amount decimal(14,2), updated_at timestamp",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True, ignore_row_order=True)


def test_select_typed_rows_casts_stores(spark: SparkSession) -> None:
    bronze_df = bronze(
        spark,
        "stores",
        [{"store_id": "S1", "store_name": "Aling Nena", "region": "NCR", "latitude": "14.6",
          "longitude": "east", "opened_at": "2020-01-05"}],
    )  # fmt: skip
    actual_df = select_typed_rows(
        bronze_df, dataset="stores", timezone=TZ, payment_methods=METHODS
    ).select("store_id", "store_name", "region", "province", "latitude", "longitude", "opened_at")
    expected_df = spark.createDataFrame(
        [("S1", "Aling Nena", "NCR", None, 14.6, None, date(2020, 1, 5))],
        "store_id string, store_name string, region string, province string, latitude double, "
        "longitude double, opened_at date",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True)


def test_with_bronze_columns_adds_missing_columns_as_nulls(spark: SparkSession) -> None:
    narrow_df = spark.createDataFrame([("C1", "extra")], "customer_id string, drifted string")
    actual_df = with_bronze_columns(narrow_df, dataset="customers").select(
        "customer_id", "drifted", "segment", "updated_at", "_source_row"
    )
    expected_df = spark.createDataFrame(
        [("C1", "extra", None, None, None)],
        "customer_id string, drifted string, segment string, updated_at string, _source_row long",
    )
    assert_df_equality(actual_df, expected_df, ignore_nullable=True)


def test_select_typed_rows_row_id_names_the_bronze_row(spark: SparkSession) -> None:
    rows = [{"customer_id": "C1", "_source_row": 0}, {"customer_id": "C1", "_source_row": 0},
            {"customer_id": "C1", "_source_row": 1}]  # fmt: skip
    typed_df = select_typed_rows(
        bronze(spark, "customers", rows), dataset="customers", timezone=TZ, payment_methods=METHODS
    )
    ids = [r["_row_id"] for r in typed_df.orderBy("_source_row").collect()]
    assert ids[0] == ids[1] != ids[2] and len(ids[0]) == 64
