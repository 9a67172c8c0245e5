"""The quality rules file: typed loading and one-line errors naming the file and the rule."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from scout_spark.errors import ConfigError
from scout_spark.layers.silver.checks import build_rule_input
from scout_spark.quality import QualityRule, load_quality_rules, validate_rule_sql
from scout_spark.quality.rules import DATASETS
from scout_spark.schemas import bronze_schema

ROOT = Path(__file__).resolve().parents[2]


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rule_yaml(body: str, dataset: str = "items") -> str:
    return f"datasets:\n  {dataset}:\n    - {body}\n"


def test_load_quality_rules_reads_the_default_file() -> None:
    rules = load_quality_rules(ROOT / "conf" / "quality_rules.yaml")
    assert rules.payment_methods == ("cash", "gcash", "maya", "card")
    assert set(rules.datasets) == set(DATASETS)
    assert QualityRule(
        "quantity_positive", "quantity IS NULL OR quantity > 0", "quarantine", ""
    ) in rules.for_dataset("items")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("datasets:\n  sales: []\n", "unknown dataset 'sales'"),
        (rule_yaml("{name: q, expression: 'quantity > 0', severity: warn, level: 1}"),
         "items rule 'q': unknown key 'level'"),
        (rule_yaml("{name: q, expression: 'quantity > 0', severity: error}"),
         "items rule 'q': severity must be one of warn, quarantine, fail, got 'error'"),
        (rule_yaml("{name: q, severity: warn}"), "items rule 'q': 'expression' must be"),
        (rule_yaml("{name: Bad-Name, expression: 'true', severity: warn}"),
         "items rule #1: 'name' must match"),
        (rule_yaml("{name: parse_error, expression: 'true', severity: warn}"),
         "items rule 'parse_error': the name 'parse_error' is reserved"),
        ("datasets:\n  items:\n    - {name: q, expression: 'true', severity: warn}\n"
         "    - {name: q, expression: 'false', severity: fail}\n", "items rule 'q': defined twice"),
        ("payment_methods: [cash, other]\n", "must not list 'other'"),
        ("datasets: [\n", "invalid YAML"),
    ],
)  # fmt: skip
def test_load_quality_rules_rejects_bad_files_with_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_quality_rules(path)
    assert str(raised.value).startswith(f"{path}:")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("quantity >", "items rule 'q': invalid SQL: [PARSE_SYNTAX_ERROR]"),
        ("qty > 0", "items rule 'q': invalid SQL: [UNRESOLVED_COLUMN"),
        ("quantity + 1", "items rule 'q': expression must be boolean, not int"),
        ("sum(quantity) > 0", "items rule 'q': invalid SQL"),
    ],
)
def test_validate_rule_sql_rejects_invalid_or_non_boolean_sql(
    spark: SparkSession, tmp_path: Path, expression: str, message: str
) -> None:
    path = write_rules(
        tmp_path, rule_yaml(f'{{name: q, expression: "{expression}", severity: warn}}')
    )
    rules = load_quality_rules(path)
    input_df = build_rule_input(
        spark.createDataFrame([], bronze_schema("items")), dataset="items",
        timezone="Asia/Manila", payment_methods=rules.payment_methods, checked_at=datetime.now(UTC),
    )  # fmt: skip
    with pytest.raises(ConfigError) as raised:
        validate_rule_sql(rules, inputs={"items": input_df})
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)
