"""Bronze to platinum over a generated, fault-free landing, checked against plain Python.

The expected gold and platinum tables are computed from the generator's files themselves
(pyarrow, csv, json; generated_reference.py) with the contract's rules (gold_reference.py),
never through the project's Spark code, and compared value by value.
"""

from dataclasses import dataclass
from datetime import UTC
from typing import Any

import pytest
from generated_reference import generated_lake, silver_from_landing
from gold_reference import SilverRows, ref_customer_features, ref_gold, ref_monitors
from pyspark.sql import SparkSession
from test_gold_pipeline import GOLD, Table, assert_table, read_all, read_table

from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.results import StageResult

STAGES = ("bronze", "silver", "gold", "platinum")
# Seed 19 with 10 stores yields a high-value basket and customers whose segment changed
# between their transactions; text formats put naive, +08:00 and Z instants in the files.
OPTIONS = ("--days", "5", "--transactions-per-day", "100", "--stores", "10",
           "--customers", "300", "--seed", "19", "--faults", "none",
           "--format", "transactions=csv,items=jsonl,customers=jsonl,stores=csv")  # fmt: skip
AGGREGATES = [name for name in GOLD if name not in ("gold/transactions", "gold/transaction_items")]


@dataclass(frozen=True)
class Built:
    """The generated landing, its lake after every stage, and the plain-Python reference."""

    config: Config
    manifest: dict[str, Any]
    results: dict[str, StageResult]
    silver: SilverRows
    expected: dict[str, Table]


@pytest.fixture(scope="module")
def built(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    root = tmp_path_factory.mktemp("gold_generated")
    landing = root / "landing"
    config, manifest = generated_lake(test_config, root, *OPTIONS)
    results = {stage: invoke(spark, config, stage) for stage in STAGES}
    silver = silver_from_landing(landing, manifest)
    return Built(config, manifest, results, silver, ref_gold(silver))


def test_pipeline_stages_take_every_generated_row_once(built: Built) -> None:
    assert {s: r.status for s, r in built.results.items()} == dict.fromkeys(STAGES, "succeeded")
    bronze = {d: p.records_written for d, p in built.results["bronze"].parts.items()}
    assert bronze == built.manifest["rows"]
    silver = {
        d: (p.records_read, p.records_written, p.records_quarantined, p.duplicates_collapsed)
        for d, p in built.results["silver"].parts.items()
        if d in ("transactions", "items")
    }
    expected = {d: (built.manifest["rows"][d], built.manifest["expected"][d]["silver_rows"], 0, 0)
                for d in ("transactions", "items")}  # fmt: skip
    assert silver == expected


def test_gold_daily_aggregates_match_plain_python_over_the_generated_files(
    spark: SparkSession, built: Built
) -> None:
    actual = read_all(spark, built.config, AGGREGATES)
    for name in AGGREGATES:
        assert_table(name, actual[name], built.expected[name])


def test_gold_transactions_match_plain_python_including_time_zone_and_segment_edges(
    spark: SparkSession, built: Built
) -> None:
    expected_tx = built.expected["gold/transactions"]
    # The generated data must exercise the edges the derived columns exist for.
    utc_day = {t[0]: t[3].astimezone(UTC).date() for t in built.silver.transactions}
    assert any(utc_day[tid] != values[3] for (tid,), values in expected_tx.items())
    current = {c[0]: c[1] for c in built.silver.customers if c[6]}
    assert any(v[1] and v[10] != current[v[1]] for v in expected_tx.values())
    assert {v[7] for v in expected_tx.values()} == {"high_value", "standard"}
    assert {v[6] for v in expected_tx.values()} == {"cash", "gcash", "maya", "card", "other"}
    assert any(v[1] is None and v[10] is None for v in expected_tx.values())  # walk-ins

    actual = read_all(spark, built.config, ["gold/transactions", "gold/transaction_items"])
    for name, table in actual.items():
        assert_table(name, table, built.expected[name])


def test_platinum_matches_plain_python_over_the_generated_files(
    spark: SparkSession, built: Built
) -> None:
    monitors = read_table(spark, built.config, "platinum/monitors")
    assert_table(
        "platinum/monitors", monitors, ref_monitors(built.expected["gold/daily_store_sales"])
    )
    assert_table(
        "platinum/customer_features",
        read_table(spark, built.config, "platinum/customer_features"),
        ref_customer_features(built.silver, built.expected),
    )
