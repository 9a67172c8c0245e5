"""Spark JDBC write and read-back against the private PostgreSQL cluster."""

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from chispa import assert_df_equality
from pyspark.sql import SparkSession
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.publish.connection import jdbc_properties, jdbc_url, psycopg_kwargs

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_schema(test_config: Config) -> Iterator[str]:
    """A throwaway Postgres schema, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**psycopg_kwargs(test_config.postgres), autocommit=True) as conn:
        conn.execute(f"create schema {name}")
    yield name
    with psycopg.connect(**psycopg_kwargs(test_config.postgres), autocommit=True) as conn:
        conn.execute(f"drop schema {name} cascade")


def test_jdbc_write_then_read_back(
    spark: SparkSession, test_config: Config, pg_schema: str
) -> None:
    schema = T.StructType(
        [
            T.StructField("sales_date", T.DateType(), True),
            T.StructField("store_id", T.StringType(), True),
            T.StructField("gross_sales", T.DecimalType(14, 2), True),
            T.StructField("transaction_count", T.LongType(), True),
        ]
    )
    rows = [
        (date(2026, 11, 1), "S001", Decimal("1234.50"), 12),
        (date(2026, 11, 1), None, Decimal("0.00"), 0),
        (date(2026, 11, 2), "S002", None, 3),
    ]
    expected_df = spark.createDataFrame(rows, schema)
    table = f"{pg_schema}.daily_store_sales"
    pg = test_config.postgres
    expected_df.write.jdbc(jdbc_url(pg), table, mode="append", properties=jdbc_properties(pg))

    read_df = spark.read.jdbc(jdbc_url(pg), table, properties=jdbc_properties(pg))
    assert_df_equality(
        read_df, expected_df, ignore_row_order=True, ignore_nullable=True, ignore_metadata=True
    )
    with psycopg.connect(**psycopg_kwargs(pg)) as conn:
        total = conn.execute(f"select sum(gross_sales) from {table}").fetchone()
    assert total == (Decimal("1234.50"),)
