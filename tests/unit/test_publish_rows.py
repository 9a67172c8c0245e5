"""Pure parts of the publish: the row projection and the column types binary COPY needs."""

from datetime import date
from decimal import Decimal

import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from scout_spark.publish.binary_copy import as_column_types, spark_type
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


def test_spark_type_maps_each_postgres_column_type_or_refuses_it() -> None:
    assert spark_type("numeric(14,2)") == "decimal(14,2)"
    assert spark_type("character varying(20)") == "string"
    assert spark_type("timestamp with time zone") == "timestamp"
    assert spark_type("timestamp without time zone") == "timestamp_ntz"
    assert [spark_type(t) for t in ("bigint", "integer", "double precision", "date")] == [
        "bigint",
        "int",
        "double",
        "date",
    ]
    for unsupported in ("numeric", "jsonb", "text[]"):
        with pytest.raises(ValueError, match="cannot publish into a column of type"):
            spark_type(unsupported)


def test_as_column_types_casts_to_the_postgres_types_and_names_missing_columns(
    spark: SparkSession,
) -> None:
    frame = spark.createDataFrame([(1, 2, "3.456")], "a int, b long, c string")

    cast = as_column_types(frame, {"a": "bigint", "b": "integer", "c": "numeric(14,2)"})

    assert cast.dtypes == [("a", "bigint"), ("b", "int"), ("c", "decimal(14,2)")]
    assert cast.first() == (1, 2, Decimal("3.46"))
    with pytest.raises(ValueError, match="missing in the Postgres table: b, c"):
        as_column_types(frame, {"a": "bigint"})
