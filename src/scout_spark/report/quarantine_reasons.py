"""Top quarantine reasons: rows per failed rule in the silver/<dataset>_quarantine tables."""

from collections.abc import Sequence
from datetime import datetime
from functools import reduce

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.report.lake_tables import LakeTable
from scout_spark.report.model import QuarantineReason

QUARANTINE_SUFFIX = "_quarantine"


def build_reason_counts(quarantine_df: DataFrame, *, dataset: str, since: datetime) -> DataFrame:
    """Needs failed_rules and quarantined_at; dataset, rule, rows for the rows quarantined
    at or after `since` (a row failing two rules counts once for each)."""
    is_recent = F.col("quarantined_at").cast("double") >= F.lit(since.timestamp())
    return (
        quarantine_df.filter(is_recent)
        .select(F.explode("failed_rules").alias("rule"))
        .groupBy("rule")
        .agg(F.count(F.lit(1)).alias("rows"))
        .select(F.lit(dataset).alias("dataset"), "rule", "rows")
    )


def quarantine_tables(tables: Sequence[LakeTable]) -> dict[str, LakeTable]:
    """Dataset -> its silver quarantine table."""
    return {
        t.name.removeprefix("silver/").removesuffix(QUARANTINE_SUFFIX): t
        for t in tables
        if t.layer == "silver" and t.name.endswith(QUARANTINE_SUFFIX)
    }


def read_quarantine_reasons(
    spark: SparkSession, tables: Sequence[LakeTable], *, since: datetime, top: int = 10
) -> list[QuarantineReason]:
    """The `top` (dataset, rule) pairs with the most quarantined rows since `since`."""
    counts = [
        build_reason_counts(spark.read.format("delta").load(t.path), dataset=d, since=since)
        for d, t in sorted(quarantine_tables(tables).items())
    ]
    if not counts:
        return []
    top_df = (
        reduce(DataFrame.unionByName, counts)
        .orderBy(F.col("rows").desc(), "dataset", "rule")
        .limit(top)
    )
    return [QuarantineReason(r["dataset"], r["rule"], int(r["rows"])) for r in top_df.collect()]
