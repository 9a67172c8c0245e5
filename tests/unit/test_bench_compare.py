"""The benchmark's check of a peer's aggregates against gold reports every kind of difference."""

from decimal import Decimal

from pyspark.sql import SparkSession

from scout_lab.bench.peers import compare_table

SCHEMA = "sales_date string, store_id string, gross_sales decimal(14,2), share double"
GOLD = [("d1", "S1", Decimal("10.00"), 0.5), ("d1", "S2", Decimal("20.00"), 0.25)]
KEYS = ("sales_date", "store_id")


def test_compare_table_is_empty_for_equal_tables(spark: SparkSession) -> None:
    gold = spark.createDataFrame(GOLD, SCHEMA)
    peer = spark.createDataFrame([(*GOLD[1][:3], 0.25 * (1 + 1e-12)), GOLD[0]], SCHEMA)

    assert compare_table("t", peer, gold, KEYS) == []


def test_compare_table_names_each_difference(spark: SparkSession) -> None:
    gold = spark.createDataFrame(GOLD, SCHEMA)
    peer = spark.createDataFrame(
        [("d1", "S1", Decimal("10.01"), 0.5), ("d1", "S3", Decimal("1.00"), 0.1)], SCHEMA
    )
    retyped = gold.withColumn("share", gold["share"].cast("float"))

    assert compare_table("t", peer, gold, KEYS) == [
        "t: key ('d1', 'S2') missing",
        "t: extra key ('d1', 'S3')",
        "t ('d1', 'S1').gross_sales: peer Decimal('10.01'), gold Decimal('10.00')",
    ]
    assert compare_table("t", retyped, gold, KEYS)[0] == "t.share: type float, gold double"
    assert compare_table("t", gold.drop("share"), gold, KEYS) == ["t: column share missing"]
