"""No tests here: bronze rows written directly (as the bronze stage would) and the silver
stage run over them; the first silver run's lake is shared (tests/integration/conftest.py)."""

import dataclasses
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from scout_spark.config import Config
from scout_spark.context import RunContext, RunIdentity
from scout_spark.lake.writes import DeltaTarget, append
from scout_spark.pipelines.silver import run_silver
from scout_spark.pipelines.silver_options import SilverOptions
from scout_spark.results import StageResult
from scout_spark.schemas import bronze_schema

JAN, FEB, MAR = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3))
TX_COLUMNS = ["transaction_id", "store_id", "customer_id", "transaction_ts", "total_amount",
              "payment_method", "updated_at", "_source_file", "_source_row"]  # fmt: skip
TX_DDL = (
    "transaction_id string, store_id string, customer_id string, transaction_ts timestamp, "
    "total_amount decimal(14,2), payment_method string, updated_at timestamp, "
    "_source_file string, _source_row long"
)


def lake_config(test_config: Config, root: Path) -> Config:
    return dataclasses.replace(
        test_config, lake=dataclasses.replace(test_config.lake, root=f"{root.as_uri()}/")
    )


def add_bronze(
    spark: SparkSession, config: Config, dataset: str, file: str, rows: list[dict],
    modified: datetime = MAR,
) -> None:  # fmt: skip
    """Append one delivered file's rows to bronze/<dataset> (as the bronze stage would)."""
    lineage = {
        "_raw_record": None, "_parse_error": None, "_source_file": file, "_source_format": "csv",
        "_source_size": 100, "_source_modified_at": modified, "_ingested_at": modified,
        "_ingest_date": modified.date(), "_run_id": "bronze-run",
    }  # fmt: skip
    schema = bronze_schema(dataset)
    values = [
        tuple({**lineage, "_source_row": i, **row}.get(f.name) for f in schema.fields)
        for i, row in enumerate(rows)
    ]
    target = DeltaTarget(
        dataset, config.lake_path("bronze", dataset), partition_by=("_ingest_date",)
    )
    append(spark, target, spark.createDataFrame(values, schema))


def run(spark: SparkSession, config: Config, **options: object) -> StageResult:
    who = RunIdentity(f"silver-{uuid.uuid4().hex[:8]}", "p", "silver", datetime.now(UTC))
    return run_silver(RunContext(spark, config, who, SilverOptions(**options)))  # type: ignore[arg-type]


def table(spark: SparkSession, config: Config, name: str) -> DataFrame:
    return spark.read.format("delta").load(config.lake_path("silver", name))


def conserved(result: StageResult) -> bool:
    """read = merged + quarantined + duplicates collapsed, for the run and every table."""
    return all(
        r.records_read == r.records_written + r.records_quarantined + r.duplicates_collapsed
        for r in [result, *result.parts.values()]
    )


def counts(result: StageResult) -> dict[str, tuple[int, int, int, int]]:
    return {
        d: (p.records_read, p.records_written, p.records_quarantined, p.duplicates_collapsed)
        for d, p in result.parts.items()
    }


def tx(tid: str | None, amount: str, updated: str | None = None, **more: str | None) -> dict:
    return {"transaction_id": tid, "store_id": "S1", "customer_id": "C1",
            "timestamp": "2024-03-01 10:00:00", "total_amount": amount,
            "payment_method": "Cash", "updated_at": updated, **more}  # fmt: skip


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, 1, hour, minute, tzinfo=UTC)


FIRST_TX = [
    tx("T1", "100.00", "2024-03-01 09:00:00"),
    tx("T1", "120.00", "2024-03-01 10:00:00"),  # newer version in the same file
    tx("T2", "50.00", payment_method=" GCASH "),
    tx("T3", "abc"),
    tx("T4", "10.00", timestamp="2099-01-01 00:00:00"),
    {"_parse_error": "CSV row has 9 fields, expected 7", "_raw_record": "a,b,c,d,e,f,g,h,i"},
    tx("T5", "10.00", store_id=""),
    tx("T6", "60.00", store_id="S9"),
]
SECOND_TX = [
    tx("T1", "110.00", "2024-03-01 09:30:00"),  # older than silver's: ignored
    tx("T2", "50.00", payment_method=" GCASH "),  # identical re-send
    tx("T6", "70.00", "2024-03-01 11:00:00", store_id="S9"),  # correction
    tx("T7", "5.00"),
]


def snapshot(at: datetime, segments: dict[str, str]) -> list[dict]:
    return [{"customer_id": c, "segment": s, "region": "NCR", "updated_at": f"{at:%Y-%m-%d}"}
            for c, s in segments.items()]  # fmt: skip


FIRST_ITEMS = [
    {"transaction_id": "T1", "line_number": "1", "product_id": "P1", "quantity": "1",
     "unit_price": "120", "line_amount": "120"},
    {"transaction_id": "T2", "line_number": "1", "product_id": "P2", "quantity": "0",
     "unit_price": "1", "line_amount": "0"},
]  # fmt: skip
DAY_2 = datetime(2024, 3, 2, tzinfo=UTC)
FIRST_FILE, SECOND_FILE = "tx/2024/03/01/data.csv", "tx/2024/03/02/data.csv"


def add_second_delivery(spark: SparkSession, config: Config) -> None:
    add_bronze(spark, config, "transactions", SECOND_FILE, SECOND_TX, DAY_2)
    item = {"line_number": "1", "product_id": "P1", "quantity": "1", "unit_price": "5",
            "line_amount": "5"}  # fmt: skip
    items = [{**item, "transaction_id": "T7"}, {**item, "transaction_id": "T8", "quantity": "-1"}]
    add_bronze(spark, config, "items", "items/2024/03/02/data.csv", items, DAY_2)
