"""Pure parts of the publish: the row projection and the CSV lines COPY reads."""

from datetime import date, datetime
from decimal import Decimal

from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from scout_spark.publish.load import csv_lines
from scout_spark.publish.tables import by_lake_name, select_publish_rows

CATEGORY_SCHEMA = T.StructType(
    [
        T.StructField("sales_date", T.DateType()),
        T.StructField("category", T.StringType()),
        T.StructField("brand", T.StringType()),
        T.StructField("units_sold", T.LongType()),
        T.StructField("revenue", T.DecimalType(14, 2)),
        T.StructField("transaction_count", T.LongType()),
        T.StructField("lake_only", T.StringType()),
    ]
)
D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def test_select_publish_rows_maps_null_keys_to_unknown_and_keeps_dates(spark: SparkSession) -> None:
    lake_df = spark.createDataFrame(
        [
            (D1, "care", "A", 1, Decimal("1.00"), 1, "x"),
            (D2, None, None, 2, Decimal("2.00"), 1, "y"),
            (D3, "food", None, 3, None, None, None),
        ],
        CATEGORY_SCHEMA,
    )
    spec = by_lake_name()["gold/daily_category_sales"]

    result_df = select_publish_rows(lake_df, table=spec, dates=[D2, D3])

    expected_df = spark.createDataFrame(
        [(D2, "unknown", "unknown", 2, Decimal("2.00"), 1), (D3, "food", "unknown", 3, None, None)],
        T.StructType(CATEGORY_SCHEMA.fields[:6]),
    )
    assert_df_equality(result_df, expected_df, ignore_row_order=True, ignore_nullable=True)


def test_select_publish_rows_keeps_only_the_window_of_row_level_tables(spark: SparkSession) -> None:
    spec = by_lake_name()["gold/hourly_sales"]
    windowed = by_lake_name()["gold/transaction_items"]
    schema = T.StructType(
        [T.StructField(c, T.StringType()) for c in windowed.columns if c != "sales_date"]
        + [T.StructField("sales_date", T.DateType())]
    )
    items_df = spark.createDataFrame([("T1", *[None] * 8, D1), ("T2", *[None] * 8, D2)], schema)
    hourly_df = spark.createDataFrame(
        [(D1, 9, 1, None)],
        "sales_date date, hour_of_day int, transaction_count long, gross_sales decimal(14,2)",
    )

    kept_df = select_publish_rows(items_df, table=windowed, first_date=D2)
    all_df = select_publish_rows(hourly_df, table=spec, first_date=D2)

    assert [r["transaction_id"] for r in kept_df.collect()] == ["T2"]
    assert_df_equality(all_df, hourly_df)


def test_csv_lines_quotes_and_nulls_as_postgres_copy_reads_them(spark: SparkSession) -> None:
    schema = "s string, d double, ts timestamp, m decimal(14,2), day date, n int, b boolean"
    rows = [
        (
            ' a,"b"\nc ',
            0.1 + 0.2,
            datetime(2026, 3, 1, 9, 30, 15, 123456),
            Decimal("-0.05"),
            D1,
            7,
            True,
        ),
        ("", 1e-300, None, None, None, None, None),
        (None, float("nan"), datetime(2026, 3, 1), Decimal("12.30"), D2, -1, False),
    ]
    frame = spark.createDataFrame(rows, schema).coalesce(1)

    lines = csv_lines(frame).collect()

    offset = datetime(2026, 3, 1, 9, 30, 15).astimezone().strftime("%z")
    assert offset in ("+0000", "")  # the project's sessions run in UTC
    assert lines == [
        b'" a,""b""\nc ",0.30000000000000004,2026-03-01 09:30:15.123456Z,-0.05,2026-03-01,7,true',
        b'"",1.0E-300,,,,,',
        b",NaN,2026-03-01 00:00:00.000000Z,12.30,2026-03-02,-1,false",
    ]
