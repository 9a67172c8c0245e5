"""Quality rules: the typed model, the YAML loader and the Spark SQL check of each rule.

Every error is a ConfigError whose one-line message names the file and the rule.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.config.loader import conf_dir
from scout_spark.errors import ConfigError, error_line
from scout_spark.schemas import DATASETS

SEVERITIES = ("warn", "quarantine", "fail")
# Built in, not configurable: a bronze row whose _parse_error is set is always quarantined.
PARSE_ERROR_RULE = "parse_error"
DEFAULT_PAYMENT_METHODS = ("cash", "gcash", "maya", "card")
RULES_FILE = "quality_rules.yaml"

_TOP_KEYS = {"payment_methods", "datasets"}
_RULE_KEYS = {"name", "expression", "severity", "description"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class QualityRule:
    """One check: SQL over the typed columns, true when the row passes."""

    name: str
    expression: str
    severity: str  # warn: keep and count; quarantine: move out; fail: stop, write nothing
    description: str = ""


@dataclass(frozen=True)
class QualityRules:
    """Every dataset's rules and the normalisation sets, from one file."""

    source: str
    payment_methods: tuple[str, ...] = DEFAULT_PAYMENT_METHODS
    datasets: Mapping[str, tuple[QualityRule, ...]] = field(default_factory=dict)

    def for_dataset(self, dataset: str) -> tuple[QualityRule, ...]:
        """The rules of one dataset (none when the file lists none)."""
        return self.datasets.get(dataset, ())


def default_rules_path() -> Path:
    """conf/quality_rules.yaml (or under $SCOUT_CONF_DIR)."""
    return conf_dir() / RULES_FILE


def _rule(raw: Any, origin: str, dataset: str, index: int) -> QualityRule:
    where = f"{origin}: {dataset} rule #{index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with name, expression, severity")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: 'name' must match {_NAME.pattern}, got {name!r}")
    where = f"{origin}: {dataset} rule '{name}'"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'")
    if name == PARSE_ERROR_RULE:
        raise ConfigError(f"{where}: the name '{PARSE_ERROR_RULE}' is reserved (built in)")
    expression, severity = raw.get("expression"), raw.get("severity")
    if not isinstance(expression, str) or not expression.strip():
        raise ConfigError(f"{where}: 'expression' must be a non-empty SQL string")
    if severity not in SEVERITIES:
        raise ConfigError(
            f"{where}: severity must be one of {', '.join(SEVERITIES)}, got {severity!r}"
        )
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{where}: 'description' must be a string")
    return QualityRule(name, " ".join(expression.split()), severity, description)


def _dataset_rules(raw: Any, origin: str, dataset: str) -> tuple[QualityRule, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{origin}: datasets.{dataset} must be a list of rules")
    rules = tuple(_rule(item, origin, dataset, i + 1) for i, item in enumerate(raw))
    names = [r.name for r in rules]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{origin}: {dataset} rule '{name}': defined twice")
    return rules


def _payment_methods(raw: Any, origin: str) -> tuple[str, ...]:
    if raw is None:
        return DEFAULT_PAYMENT_METHODS
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise ConfigError(f"{origin}: 'payment_methods' must be a non-empty list of strings")
    methods = tuple(v.strip().lower() for v in raw)
    if "other" in methods or "" in methods:
        raise ConfigError(f"{origin}: 'payment_methods' must not list 'other' or an empty value")
    return methods


def load_quality_rules(path: str | Path | None = None) -> QualityRules:
    """Read and validate the rules file (structure only; see validate_rule_sql for SQL)."""
    file = Path(path) if path is not None else default_rules_path()
    origin = str(file)
    if not file.is_file():
        raise ConfigError(f"{origin}: quality rules file not found")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"{origin}:{f' line {mark.line + 1}' if mark else ''} invalid YAML"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key '{unknown[0]}'")
    datasets = data.get("datasets") or {}
    if not isinstance(datasets, dict):
        raise ConfigError(f"{origin}: 'datasets' must be a mapping of dataset to rules")
    for dataset in datasets:
        if dataset not in DATASETS:
            raise ConfigError(f"{origin}: unknown dataset '{dataset}' under datasets")
    return QualityRules(
        source=origin,
        payment_methods=_payment_methods(data.get("payment_methods"), origin),
        datasets={d: _dataset_rules(r or [], origin, d) for d, r in datasets.items()},
    )


def _check_rule(rules: QualityRules, dataset: str, rule: QualityRule, input_df: DataFrame) -> None:
    where = f"{rules.source}: {dataset} rule '{rule.name}'"
    try:
        data_type = input_df.withColumn("_rule", F.expr(rule.expression)).schema["_rule"].dataType
    except Exception as exc:
        raise ConfigError(f"{where}: invalid SQL: {error_line(exc, limit=300)}") from None
    if not isinstance(data_type, T.BooleanType):
        raise ConfigError(f"{where}: expression must be boolean, not {data_type.simpleString()}")


def validate_rule_sql(
    rules: QualityRules,
    *,
    inputs: Mapping[str, DataFrame],
    datasets: Sequence[str] | None = None,
) -> None:
    """Check each rule (of `datasets`; default all) parses, resolves against its dataset's
    typed frame in `inputs` and is boolean. Analysis only: no data is read."""
    for dataset in datasets if datasets is not None else tuple(rules.datasets):
        dataset_rules, input_df = rules.for_dataset(dataset), inputs[dataset]
        try:  # one analysis for all the dataset's rules; rule by rule only to name a bad one
            names = [f"_rule_{i}" for i in range(len(dataset_rules))]
            checks_df = input_df.withColumns(
                {n: F.expr(r.expression) for n, r in zip(names, dataset_rules, strict=True)}
            )  # beside every column, so an aggregate is an error as in with_rule_results
            if all(isinstance(checks_df.schema[n].dataType, T.BooleanType) for n in names):
                continue
        except Exception:
            pass
        for rule in dataset_rules:
            _check_rule(rules, dataset, rule, input_df)
