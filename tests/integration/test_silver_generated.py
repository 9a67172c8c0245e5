"""Bronze and silver over a generated landing with every fault: conservation and placement.

One landing (`--faults all`, hive layout, CSV transactions and JSON Lines items so the
text-only faults apply) goes through bronze and silver once; each test reads the tables
and checks one promise of pipeline_semantics.md against the generator's manifest (fault
ids, files, expected counts) and, where the manifest says too little, its files.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from generated_reference import generated_lake, instant, read_records, relative
from gold_reference import MANILA
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.config import ITEM_RULE_FAULTS, TRANSACTION_RULE_FAULTS
from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.lake.writes import table_version
from scout_spark.results import StageResult

OPTIONS = ("--days", "3", "--transactions-per-day", "80", "--stores", "6", "--customers", "60",
           "--seed", "5", "--faults", "all", "--fault-count", "3", "--layout", "hive",
           "--format", "transactions=csv,items=jsonl")  # fmt: skip
# The one fault these formats cannot carry (it needs parquet or avro transactions or items).
SKIPPED = {"truncated_file"}
# Fault -> the rule of conf/quality_rules.yaml that pipeline_semantics.md says it breaks.
RULES = {
    "transactions": {
        "empty_transaction_id": "transaction_id_non_empty",
        "empty_store_id": "store_id_non_empty",
        "unparseable_timestamp": "timestamp_parses",
        "future_timestamp": "timestamp_in_range",
        "ancient_timestamp": "timestamp_in_range",
        "negative_amount": "total_amount_in_range",
        "excessive_amount": "total_amount_in_range",
        "non_numeric_amount": "total_amount_parses",
    },
    "items": {
        "nonpositive_quantity": "quantity_positive",
        "negative_unit_price": "unit_price_non_negative",
        "negative_line_amount": "line_amount_non_negative",
        "invalid_line_number": "line_number_at_least_1",
    },
}
GENERATOR_RULES = {"transactions": TRANSACTION_RULE_FAULTS, "items": ITEM_RULE_FAULTS}
LINE_FAULTS = {"transactions": ("csv_field_count", "non_utf8"), "items": ("bad_json_line",)}
KEYS = {"transactions": ("transaction_id",), "items": ("transaction_id", "line_number")}
TABLES = {
    "bronze/transactions": ("transaction_id", "pos_terminal_id"),
    "bronze/items": ("transaction_id", "line_number"),
    "silver/transactions": ("transaction_id", "total_amount", "transaction_ts"),
    "silver/items": ("transaction_id", "line_number", "line_amount"),
    "silver/transactions_quarantine": ("transaction_id", "failed_rules"),
    "silver/items_quarantine": ("transaction_id", "line_number", "failed_rules"),
}
LINEAGE = ("_source_file", "_source_row")
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Generated:
    """The landing, its manifest, both stage results and the lake's rows (collected once)."""

    landing: Path
    manifest: dict[str, Any]
    bronze: StageResult
    silver: StageResult
    tables: dict[str, Rows]

    def fault(self, name: str) -> dict[str, Any]:
        return self.manifest["faults"][name]

    def entry(self, dataset: str, kind: str, day: str) -> dict[str, Any]:
        """The manifest entry of the one file of a dataset, kind and date."""
        (entry,) = [f for f in self.manifest["files"]
                    if (f["dataset"], f["kind"], f["date"]) == (dataset, kind, day)]  # fmt: skip
        return entry

    def file(self, dataset: str, kind: str, day: str) -> str:
        """Path of the one file of a dataset, kind and date."""
        return self.entry(dataset, kind, day)["path"]

    def daily_records(self, dataset: str, ids: set[str]) -> list[dict[str, Any]]:
        """The rows of `ids` in the daily files of their dates, read back with plain Python."""
        days = sorted({day_of(t) for t in ids})
        entries = [self.entry(dataset, "daily", day) for day in days]
        return [r for e in entries for r in read_records(self.landing, e)
                if r["transaction_id"] in ids]  # fmt: skip


def _collect(spark: SparkSession, config: Config, name: str, landing: Path) -> Rows:
    """A lake table's rows with lineage relative to the landing; [] when it does not exist."""
    path = config.lake_path(*name.split("/"))
    if table_version(spark, path) is None:
        return []
    table_df = spark.read.format("delta").load(path)
    wanted = [*TABLES.get(name, ("file_path", "reason")), *LINEAGE, "_parse_error", "_raw_record"]
    # transaction_ts as microseconds: an instant, not the session zone's wall clock.
    columns = [
        F.unix_micros(c).alias(c) if c == "transaction_ts" else F.col(c)
        for c in wanted
        if c in table_df.columns
    ]
    rows = [r.asDict() for r in table_df.select(*columns).collect()]
    for row in rows:
        for column in ("_source_file", "file_path"):
            if column in row:
                row[column] = relative(row[column], landing)
    return rows


@pytest.fixture(scope="module")
def generated(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    root = tmp_path_factory.mktemp("silver_generated")
    landing = root / "landing"
    config, manifest = generated_lake(test_config, root, *OPTIONS)
    bronze, silver = invoke(spark, config, "bronze"), invoke(spark, config, "silver")
    names = [*TABLES, "bronze/transactions_rejected_files", "bronze/items_rejected_files"]
    tables = {name: _collect(spark, config, name, landing) for name in names}
    return Generated(landing, manifest, bronze, silver, tables)


def day_of(transaction_id: str) -> str:
    """The date in an id like TXN-20240102-0000042, as YYYY-MM-DD."""
    digits = transaction_id.split("-")[1]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def key(dataset: str, row: dict[str, Any]) -> tuple:
    """The silver key of a bronze, silver or quarantine row (line_number as an int)."""
    return tuple(int(row[k]) if k == "line_number" else row[k] for k in KEYS[dataset])


def lineage(row: dict[str, Any]) -> tuple[str, int]:
    return row["_source_file"], row["_source_row"]


def test_generator_injects_every_fault_the_checks_rely_on(generated: Generated) -> None:
    manifest = generated.manifest
    assert set(manifest["skipped_faults"]) == SKIPPED
    assert manifest["fault_shortfall"] == {}
    assert sorted(f for f, e in manifest["faults"].items() if e["count"] == 0) == []


def test_bronze_keeps_every_landed_row_once_and_rejects_unreadable_files(
    generated: Generated,
) -> None:
    files = generated.manifest["files"]
    for dataset in ("transactions", "items"):
        bronze = generated.tables[f"bronze/{dataset}"]
        assert Counter(r["_source_file"] for r in bronze) == Counter(
            {f["path"]: f["rows"] for f in files
             if f["dataset"] == dataset and f["ingest"] and f["rows"] > 0}
        )  # fmt: skip
        assert len({lineage(r) for r in bronze}) == len(bronze)
        # The partition without _SUCCESS waits: counted, never read.
        assert generated.bronze.parts[dataset].metrics["partitions_waiting"] == "1"
    zero_byte = generated.fault("zero_byte_file")["files"]
    rejected = generated.tables["bronze/transactions_rejected_files"]
    assert [(r["file_path"], r["reason"]) for r in rejected] == [(zero_byte[0], "zero-byte file")]
    assert generated.tables["bronze/items_rejected_files"] == []
    drifted = {r["_source_file"] for r in generated.tables["bronze/transactions"]
               if r["pos_terminal_id"] is not None}  # fmt: skip
    ingested = {f["path"] for f in files if f["ingest"] and f["rows"] > 0}
    assert drifted == set(generated.fault("schema_drift")["files"]) & ingested


def test_silver_stage_result_conserves_rows_and_matches_the_manifest(
    generated: Generated,
) -> None:
    result = generated.silver
    for part in [result, *result.parts.values()]:
        assert part.records_read == (
            part.records_written + part.records_quarantined + part.duplicates_collapsed
        )
    for dataset in ("transactions", "items"):
        expected = generated.manifest["expected"][dataset]
        part = result.parts[dataset]
        assert (
            part.records_read, part.records_written, part.records_quarantined,
            part.duplicates_collapsed,
        ) == (
            expected["rows_ingestible"], expected["silver_rows"],
            expected["quarantine_rows"] + expected["unparseable_rows"],
            expected["duplicates_collapsed"],
        )  # fmt: skip
        assert len(generated.tables[f"silver/{dataset}"]) == expected["silver_rows"]


@pytest.mark.parametrize("dataset", ["transactions", "items"])
def test_silver_tables_conserve_every_bronze_row(generated: Generated, dataset: str) -> None:
    bronze = generated.tables[f"bronze/{dataset}"]
    silver = generated.tables[f"silver/{dataset}"]
    quarantine = generated.tables[f"silver/{dataset}_quarantine"]
    quarantined = Counter(lineage(r) for r in quarantine)
    assert set(quarantined) <= {lineage(r) for r in bronze}
    assert sum(quarantined.values()) == len(quarantined)  # each bronze row at most once
    passing = Counter(key(dataset, r) for r in bronze if lineage(r) not in quarantined)
    duplicates = sum(n - 1 for n in passing.values())
    assert sorted(key(dataset, r) for r in silver) == sorted(passing)
    assert len(bronze) == len(silver) + len(quarantine) + duplicates
    part = generated.silver.parts[dataset]
    assert (len(bronze), len(silver), len(quarantine), duplicates) == (
        part.records_read, part.records_written, part.records_quarantined,
        part.duplicates_collapsed,
    )  # fmt: skip


@pytest.mark.parametrize("dataset", ["transactions", "items"])
def test_silver_quarantine_holds_each_rule_fault_under_its_rule(
    generated: Generated, dataset: str
) -> None:
    hourly_days = {f["date"] for f in generated.manifest["files"] if f["kind"] == "hourly"}
    expected: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for fault, rule in RULES[dataset].items():
        for tid in generated.fault(fault)["ids"]:
            # The hourly day's transactions arrive twice: hourly, then in the daily file.
            copies = 2 if dataset == "transactions" and day_of(tid) in hourly_days else 1
            expected[("" if fault == "empty_transaction_id" else tid, (rule,))] += copies
    rows = [r for r in generated.tables[f"silver/{dataset}_quarantine"]
            if "parse_error" not in r["failed_rules"]]  # fmt: skip
    assert Counter((r["transaction_id"] or "", tuple(r["failed_rules"])) for r in rows) == expected

    generator_rule = {RULES[dataset][f]: GENERATOR_RULES[dataset][f] for f in RULES[dataset]}
    by_rule = Counter(generator_rule[r["failed_rules"][0]] for r in rows)
    assert by_rule == generated.manifest["expected"][dataset]["quarantine_by_rule"]
    faulted = {tid for fault in RULES[dataset] for tid in generated.fault(fault)["ids"]}
    silver_keys = {key(dataset, r) for r in generated.tables[f"silver/{dataset}"]}
    line_one = {(tid, 1) for tid in faulted} if dataset == "items" else {(t,) for t in faulted}
    assert silver_keys & line_one == set()


@pytest.mark.parametrize("dataset", ["transactions", "items"])
def test_silver_quarantine_holds_every_unparseable_bronze_row(
    generated: Generated, dataset: str
) -> None:
    unparsed = {lineage(r): r["_raw_record"] for r in generated.tables[f"bronze/{dataset}"]
                if r["_parse_error"] is not None}  # fmt: skip
    quarantined = {lineage(r) for r in generated.tables[f"silver/{dataset}_quarantine"]
                   if "parse_error" in r["failed_rules"]}  # fmt: skip
    assert quarantined == set(unparsed)
    ids = sorted(tid for fault in LINE_FAULTS[dataset] for tid in generated.fault(fault)["ids"])
    assert sorted(tid for raw in unparsed.values() for tid in ids if tid in raw) == ids
    assert len(unparsed) == generated.manifest["expected"][dataset]["unparseable_rows"]
    files = {path for fault in LINE_FAULTS[dataset] for path in generated.fault(fault)["files"]}
    assert {path for path, _row in unparsed} == files


def test_silver_keeps_the_latest_version_of_resent_and_corrected_rows(
    generated: Generated,
) -> None:
    g = generated
    other_faults = {t for f, e in g.manifest["faults"].items() if f != "hourly_then_daily"
                    for t in e["ids"]}  # fmt: skip
    tx_winner = {  # ties (same updated_at) go to the latest delivery
        tid: g.file("transactions", "daily", day_of(tid))
        for tid in set(g.fault("hourly_then_daily")["ids"]) - other_faults - {""}
    }
    tx_winner |= {
        t: g.file("transactions", "copy", day_of(t)) for t in g.fault("odd_file_name")["ids"]
    }
    item_winner = {}
    # A later updated_at wins; an older correction delivered last does not.
    for fault, kind in (("duplicate_rows", "resend"), ("correction", "correction"),
                        ("out_of_order_correction", "correction-newer")):  # fmt: skip
        for tid in g.fault(fault)["ids"]:
            tx_winner[tid] = g.file("transactions", kind, day_of(tid))
            item_winner[tid] = {g.file("items", kind, day_of(tid))}
    silver_tx = {r["transaction_id"]: r for r in g.tables["silver/transactions"]}
    assert {t: silver_tx[t]["_source_file"] for t in tx_winner if t in silver_tx} == tx_winner
    item_files: dict[str, set[str]] = {}
    item_totals: dict[str, Decimal] = {}
    for item in g.tables["silver/items"]:
        tid = item["transaction_id"]
        item_files.setdefault(tid, set()).add(item["_source_file"])
        item_totals[tid] = item_totals.get(tid, Decimal(0)) + item["line_amount"]
    assert {t: item_files.get(t) for t in item_winner} == item_winner

    final = {t: Decimal(v) for f in ("correction", "out_of_order_correction")
             for t, v in g.fault(f)["final_total_amount"].items()}  # fmt: skip
    assert {t: silver_tx[t]["total_amount"] for t in final if t in silver_tx} == final
    assert {t: item_totals.get(t) for t in final} == final
    # The older correction did reach silver's input (it landed last) and lost.
    older = {(t, g.file("transactions", "correction-older", day_of(t)))
             for t in g.fault("out_of_order_correction")["ids"]}  # fmt: skip
    bronze = {(r["transaction_id"], r["_source_file"]) for r in g.tables["bronze/transactions"]}
    assert older <= bronze


def test_silver_keeps_orphan_items_without_their_transaction(generated: Generated) -> None:
    orphans = set(generated.fault("orphan_items")["ids"])
    landed = {key("items", r) for r in generated.daily_records("items", orphans)}
    silver_items = {key("items", r) for r in generated.tables["silver/items"]}
    assert {k for k in silver_items if k[0] in orphans} == landed
    assert {k[0] for k in landed} == orphans
    for table in ("bronze/transactions", "silver/transactions", "silver/transactions_quarantine"):
        assert {r["transaction_id"] for r in generated.tables[table]} & orphans == set(), table


def test_silver_converts_manila_midnight_timestamps_to_their_instant(
    generated: Generated,
) -> None:
    fault = generated.fault("tz_midnight")
    ids = set(fault["ids"])
    delivered = {
        r["transaction_id"]: r["timestamp"] for r in generated.daily_records("transactions", ids)
    }
    expected = {tid: instant(text) for tid, text in delivered.items()}
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    silver = {
        r["transaction_id"]: epoch + timedelta(microseconds=r["transaction_ts"])
        for r in generated.tables["silver/transactions"]
        if r["transaction_id"] in ids
    }
    assert silver == expected
    manila_day = {tid: ts.astimezone(MANILA).date().isoformat() for tid, ts in silver.items()}
    assert manila_day == fault["sales_date"]
    # The edge is exercised: a UTC value (`Z`) whose UTC date is the day before.
    assert any(
        delivered[t].endswith("Z") and silver[t].date() < date.fromisoformat(manila_day[t])
        for t in silver
    )
