"""Silver step 3: evaluate the quality rules per row, count them, shape quarantine rows."""

from collections.abc import Sequence
from datetime import datetime

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.quality import PARSE_ERROR_RULE, QualityRule
from scout_spark.schemas import BRONZE_LINEAGE_FIELDS, SCHEMAS

_REASON_SEVERITIES = ("quarantine", "fail")


def rule_passes(rule: QualityRule) -> Column:
    """True when the row passes `rule`; a null result is a failure."""
    return F.coalesce(F.expr(rule.expression).cast("boolean"), F.lit(False))


def _names_failed(named_checks: Sequence[tuple[str, Column]]) -> Column:
    """Array of the names whose check is false, in rule order (empty when none)."""
    if not named_checks:
        return F.array().cast(T.ArrayType(T.StringType()))
    names = F.array(*[F.when(~passes, F.lit(name)) for name, passes in named_checks])
    return F.filter(names, lambda name: name.isNotNull())


def with_rule_results(df: DataFrame, *, rules: Sequence[QualityRule]) -> DataFrame:
    """Needs the rules' columns and _parse_error; adds _failed_rules, _warned_rules,
    _fatal_rules (names of failed quarantine/fail, warn and fail rules) and _is_clean."""
    checks = [(r.name, r.severity, rule_passes(r)) for r in rules]
    parsed = (PARSE_ERROR_RULE, "quarantine", F.col("_parse_error").isNull())
    reasons = [(n, p) for n, s, p in [parsed, *checks] if s in _REASON_SEVERITIES]
    return (
        df.withColumn("_failed_rules", _names_failed(reasons))
        .withColumn("_warned_rules", _names_failed([(n, p) for n, s, p in checks if s == "warn"]))
        .withColumn("_fatal_rules", _names_failed([(n, p) for n, s, p in checks if s == "fail"]))
        .withColumn("_is_clean", (F.size("_failed_rules") == 0) & (F.size("_warned_rules") == 0))
    )


def filter_passing(df: DataFrame) -> DataFrame:
    """Needs _failed_rules; keeps the rows every quarantine/fail rule lets through."""
    return df.filter(F.size("_failed_rules") == 0)


def filter_quarantined(df: DataFrame) -> DataFrame:
    """Needs _failed_rules; keeps the rows that failed at least one quarantine/fail rule."""
    return df.filter(F.size("_failed_rules") > 0)


def build_rule_counts(
    df: DataFrame, *, rules: Sequence[QualityRule], keys: Sequence[str]
) -> DataFrame:
    """One row: rows_checked, rows_quarantined, rows_passing, keys_passing, rows_clean,
    rows_warned and failures_<rule> per rule (parse_error included), over rule results."""
    is_passing = F.size("_failed_rules") == 0
    key = F.struct(*[F.col(k) for k in keys])

    def failures(name: str) -> Column:
        is_failed = F.array_contains("_failed_rules", name) | F.array_contains(
            "_warned_rules", name
        )
        return F.sum(is_failed.cast("long")).alias(f"failures_{name}")

    return df.agg(
        F.count(F.lit(1)).alias("rows_checked"),
        F.sum((~is_passing).cast("long")).alias("rows_quarantined"),
        F.sum(is_passing.cast("long")).alias("rows_passing"),
        F.count_distinct(F.when(is_passing, key)).alias("keys_passing"),
        F.sum(F.col("_is_clean").cast("long")).alias("rows_clean"),
        F.sum((F.size("_warned_rules") > 0).cast("long")).alias("rows_warned"),
        *[failures(name) for name in [PARSE_ERROR_RULE, *[r.name for r in rules]]],
    ).na.fill(0)


def quarantine_schema(dataset: str) -> T.StructType:
    """silver/<dataset>_quarantine: failed rules, values as delivered, lineage, replay marks."""
    text_fields = [T.StructField(f.name, T.StringType(), True) for f in SCHEMAS[dataset].fields]
    lineage = [f for f in BRONZE_LINEAGE_FIELDS if f.name != "_run_id"]
    return T.StructType(
        [
            T.StructField("_row_id", T.StringType(), False),
            T.StructField("failed_rules", T.ArrayType(T.StringType()), False),
            T.StructField("warned_rules", T.ArrayType(T.StringType()), False),
            *text_fields,
            *lineage,
            T.StructField("_bronze_run_id", T.StringType(), True),
            T.StructField("quarantined_at", T.TimestampType(), False),
            T.StructField("quarantine_run_id", T.StringType(), False),
            T.StructField("replayed_at", T.TimestampType(), True),
            T.StructField("replay_run_id", T.StringType(), True),
        ]
    )


def select_quarantine_rows(
    df: DataFrame, *, dataset: str, run_id: str, quarantined_at: datetime
) -> DataFrame:
    """Needs rule results, _raw and lineage; the quarantine table's columns."""
    values = {f.name: F.col(f"_raw.{f.name}") for f in SCHEMAS[dataset].fields}
    derived = {
        "failed_rules": F.col("_failed_rules"),
        "warned_rules": F.col("_warned_rules"),
        "_bronze_run_id": F.col("_run_id"),
        "quarantined_at": F.lit(quarantined_at),
        "quarantine_run_id": F.lit(run_id),
        "replayed_at": F.lit(None),
        "replay_run_id": F.lit(None),
    }
    return df.select(
        *[
            derived.get(f.name, values.get(f.name, F.col(f.name))).cast(f.dataType).alias(f.name)
            for f in quarantine_schema(dataset).fields
        ]
    )


def select_bronze_from_quarantine(df: DataFrame, *, dataset: str) -> DataFrame:
    """Needs quarantine columns; the bronze-shaped rows they came from, to check again."""
    text = [F.col(f.name) for f in SCHEMAS[dataset].fields]
    lineage = [
        F.col("_bronze_run_id" if f.name == "_run_id" else f.name).cast(f.dataType).alias(f.name)
        for f in BRONZE_LINEAGE_FIELDS
    ]
    return df.select(*text, *lineage)


def select_replay_marks(df: DataFrame, *, run_id: str, replayed_at: datetime) -> DataFrame:
    """Needs _row_id; one row per quarantine row to mark replayed (distinct _row_id)."""
    return df.select(
        F.col("_row_id"),
        F.lit(replayed_at).cast(T.TimestampType()).alias("replayed_at"),
        F.lit(run_id).alias("replay_run_id"),
    ).dropDuplicates(["_row_id"])
