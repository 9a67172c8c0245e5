"""Delta Lake through s3a:// on the local S3 endpoint: writes, time travel, MERGE, multipart."""

from decimal import Decimal

from chispa import assert_df_equality
from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

SCHEMA = T.StructType(
    [
        T.StructField("transaction_id", T.StringType(), False),
        T.StructField("store_id", T.StringType(), True),
        T.StructField("total_amount", T.DecimalType(14, 2), True),
    ]
)


def _rows(spark: SparkSession, rows: list[tuple]) -> "T.DataFrame":  # type: ignore[name-defined]
    return spark.createDataFrame(rows, SCHEMA)


def test_delta_on_s3_append_time_travel_merge(spark: SparkSession, s3_bucket: str) -> None:
    path = f"s3a://{s3_bucket}/lake/silver/transactions"
    v0 = [("t1", "s1", Decimal("10.00")), ("t2", None, Decimal("20.50"))]
    v1 = [("t3", "s2", Decimal("0.00"))]
    _rows(spark, v0).write.format("delta").save(path)
    _rows(spark, v1).write.format("delta").mode("append").save(path)

    version0_df = spark.read.format("delta").option("versionAsOf", 0).load(path)
    version1_df = spark.read.format("delta").option("versionAsOf", 1).load(path)
    assert_df_equality(version0_df, _rows(spark, v0), ignore_row_order=True, ignore_nullable=True)
    assert_df_equality(
        version1_df, _rows(spark, v0 + v1), ignore_row_order=True, ignore_nullable=True
    )

    updates_df = _rows(spark, [("t2", "s9", Decimal("25.00")), ("t4", "s1", Decimal("4.25"))])
    (
        DeltaTable.forPath(spark, path)
        .alias("t")
        .merge(updates_df.alias("u"), "t.transaction_id = u.transaction_id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute()
    )
    expected = [
        ("t1", "s1", Decimal("10.00")),
        ("t2", "s9", Decimal("25.00")),
        ("t3", "s2", Decimal("0.00")),
        ("t4", "s1", Decimal("4.25")),
    ]
    assert_df_equality(
        spark.read.format("delta").load(path),
        _rows(spark, expected),
        ignore_row_order=True,
        ignore_nullable=True,
    )
    history = DeltaTable.forPath(spark, path).history().select("version", "operation")
    assert [tuple(r) for r in history.orderBy("version").collect()] == [
        (0, "WRITE"),
        (1, "WRITE"),
        (2, "MERGE"),
    ]


def test_delta_on_s3_large_file_uses_multipart_upload(
    spark: SparkSession, s3_bucket: str, s3
) -> None:  # type: ignore[no-untyped-def]
    path = f"s3a://{s3_bucket}/lake/bronze/blob"
    # ~16 MB of incompressible text in one file: above the 5 MB multipart threshold.
    big_df = (
        spark.range(0, 120_000, numPartitions=1)
        .withColumn("payload", F.sha2(F.col("id").cast("string"), 512))
        .withColumn("payload2", F.sha2(F.concat(F.col("payload"), F.lit("x")), 512))
    )
    big_df.coalesce(1).write.format("delta").option("compression", "none").save(path)

    listing = s3.list_objects_v2(Bucket=s3_bucket, Prefix="lake/bronze/blob/part-")
    data_keys = [o["Key"] for o in listing["Contents"] if o["Key"].endswith(".parquet")]
    assert len(data_keys) == 1
    head = s3.head_object(Bucket=s3_bucket, Key=data_keys[0])
    assert head["ContentLength"] > 10 * 1024 * 1024
    # A multipart object's ETag is "<md5 of part md5s>-<number of parts>".
    assert head["ETag"].strip('"').rsplit("-", 1)[-1].isdigit() and "-" in head["ETag"]

    assert_df_equality(
        spark.read.format("delta").load(path), big_df, ignore_row_order=True, ignore_nullable=True
    )
