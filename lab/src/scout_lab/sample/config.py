"""Generator options as one frozen, validated object, plus parsers for the CLI strings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scout_spark.schemas import DATASETS

FORMATS = ("parquet", "csv", "jsonl", "avro", "delta")
LAYOUTS = ("date_folders", "hive")
TEXT_FORMATS = frozenset({"csv", "jsonl"})

# Row-level faults break one silver rule each; the rule name is what quarantine records.
TRANSACTION_RULE_FAULTS = {
    "empty_transaction_id": "transaction_id_non_empty",
    "empty_store_id": "store_id_non_empty",
    "unparseable_timestamp": "timestamp_valid",
    "future_timestamp": "timestamp_valid",
    "ancient_timestamp": "timestamp_valid",
    "negative_amount": "total_amount_valid",
    "excessive_amount": "total_amount_valid",
    "non_numeric_amount": "total_amount_valid",
}
ITEM_RULE_FAULTS = {
    "nonpositive_quantity": "quantity_positive",
    "negative_unit_price": "unit_price_non_negative",
    "negative_line_amount": "line_amount_non_negative",
    "invalid_line_number": "line_number_positive",
}
DELIVERY_FAULTS = (
    "duplicate_rows",
    "correction",
    "out_of_order_correction",
    "hourly_then_daily",
    "orphan_items",
    "tz_midnight",
)
FILE_FAULTS = (
    "csv_field_count",
    "bad_json_line",
    "truncated_file",
    "zero_byte_file",
    "missing_success",
    "late_partition",
    "schema_drift",
    "non_utf8",
    "odd_file_name",
)
FAULTS: tuple[str, ...] = (
    *TRANSACTION_RULE_FAULTS,
    *ITEM_RULE_FAULTS,
    *DELIVERY_FAULTS,
    *FILE_FAULTS,
)


@dataclass(frozen=True)
class SampleConfig:
    """Everything one generator run needs; validated on construction."""

    dest: str
    seed: int = 42
    start_date: dt.date = dt.date(2024, 1, 1)
    days: int = 7
    transactions_per_day: int = 1000
    stores: int = 50
    customers: int = 2000
    layout: str = "date_folders"
    formats: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(DATASETS, "parquet"))
    )
    faults: frozenset[str] = frozenset()
    fault_count: int = 5
    with_incremental: bool = False
    with_archive: bool = False
    archive_days: int = 7
    max_rows_per_file: int = 1_000_000
    s3_endpoint: str | None = None
    id_cap: int = 1000

    def __post_init__(self) -> None:
        errors = _validate(self)
        if errors:
            raise ValueError("invalid sample-data options: " + "; ".join(errors))
        object.__setattr__(self, "formats", MappingProxyType(dict(self.formats)))

    @property
    def end_date(self) -> dt.date:
        """Last date with a daily partition."""
        return self.start_date + dt.timedelta(days=self.days - 1)

    def fmt(self, dataset: str) -> str:
        """Format chosen for a dataset."""
        return self.formats[dataset]


def _validate(cfg: SampleConfig) -> list[str]:
    errors = []
    if not cfg.dest:
        errors.append("dest is required")
    for name in ("days", "transactions_per_day", "stores", "customers", "max_rows_per_file"):
        if getattr(cfg, name) < 1:
            errors.append(f"{name} must be >= 1")
    for name in ("fault_count", "archive_days", "id_cap"):
        if getattr(cfg, name) < 0:
            errors.append(f"{name} must be >= 0")
    if cfg.layout not in LAYOUTS:
        errors.append(f"layout must be one of {', '.join(LAYOUTS)}")
    if set(cfg.formats) != set(DATASETS):
        errors.append(f"formats must name exactly {', '.join(DATASETS)}")
    bad_formats = sorted(f for f in cfg.formats.values() if f not in FORMATS)
    if bad_formats:
        errors.append(f"unknown format(s) {bad_formats}; choose from {', '.join(FORMATS)}")
    unknown = sorted(cfg.faults - set(FAULTS))
    if unknown:
        errors.append(f"unknown fault(s) {unknown}")
    if cfg.start_date < dt.date(2015, 1, 2):
        errors.append("start_date must be after 2015-01-01 (earlier dates are a fault)")
    return errors


def parse_formats(text: str) -> dict[str, str]:
    """Parse `parquet` (every dataset) or `transactions=parquet,items=csv` (rest parquet)."""
    text = text.strip()
    if "=" not in text:
        formats = dict.fromkeys(DATASETS, text.lower())
    else:
        formats = dict.fromkeys(DATASETS, "parquet")
        for part in filter(None, (p.strip() for p in text.split(","))):
            dataset, sep, fmt = part.partition("=")
            if not sep or dataset.strip() not in DATASETS:
                raise ValueError(f"bad --format entry {part!r}; expected <dataset>=<format>")
            formats[dataset.strip()] = fmt.strip().lower()
    unknown = sorted(set(formats.values()) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    return formats


def parse_faults(text: str) -> frozenset[str]:
    """Parse `all`, `none` or a comma-separated list of fault names."""
    text = text.strip().lower()
    if text in ("", "none"):
        return frozenset()
    if text == "all":
        return frozenset(FAULTS)
    names = frozenset(p.strip() for p in text.split(",") if p.strip())
    unknown = sorted(names - set(FAULTS))
    if unknown:
        raise ValueError(f"unknown fault(s) {unknown}; known: {', '.join(FAULTS)}")
    return names
