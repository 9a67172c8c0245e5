"""Data quality rules as data: conf/quality_rules.yaml loaded into a typed, validated object."""

from scout_spark.quality.rules import (
    PARSE_ERROR_RULE,
    SEVERITIES,
    QualityRule,
    QualityRules,
    load_quality_rules,
    validate_rule_sql,
)

__all__ = [
    "PARSE_ERROR_RULE",
    "SEVERITIES",
    "QualityRule",
    "QualityRules",
    "load_quality_rules",
    "validate_rule_sql",
]
