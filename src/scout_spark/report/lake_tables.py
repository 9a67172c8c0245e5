"""The Delta tables of each layer, found by listing the lake, with version, rows and size.

Rows come from `count()` on the table, which Delta answers from the numRecords statistics
of the log's add actions (a metadata-only query, no data file read) whenever every file
has statistics, and by scanning otherwise. Files and size come from DESCRIBE DETAIL.
"""

from dataclasses import dataclass

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.lake import delta_sql
from scout_spark.lake.catalog import lake_tables
from scout_spark.lake.writes import table_version
from scout_spark.report.model import TableRows

LAYERS = ("bronze", "silver", "gold", "platinum")
ROW_COUNT_METHOD = (
    "Rows per table: Delta count(), answered from the numRecords statistics in the "
    "transaction log when every file has them (no data scan); files and size from "
    "DESCRIBE DETAIL."
)


@dataclass(frozen=True)
class LakeTable:
    """A Delta table found under a layer folder."""

    layer: str
    name: str  # "<layer>/<folder>"
    path: str


def find_tables(spark: SparkSession, config: Config) -> list[LakeTable]:
    """The tables of bronze/, silver/, gold/, platinum/ (bookkeeping folders `_*` skipped)."""
    found = []
    for name, path in lake_tables(spark, config).items():
        layer, _, leaf = name.partition("/")
        if layer in LAYERS and "/" not in leaf and not leaf.startswith(("_", ".")):
            found.append(LakeTable(layer, name, path))
    return found


def read_table_rows(spark: SparkSession, table: LakeTable) -> TableRows:
    """The table's current version, row count, file count and size."""
    detail = delta_sql.detail(spark, table.path).select("numFiles", "sizeInBytes")
    first = detail.first()
    return TableRows(
        layer=table.layer,
        name=table.name,
        version=table_version(spark, table.path),
        rows=spark.read.format("delta").load(table.path).count(),
        files=None if first is None else first["numFiles"],
        size_bytes=None if first is None else first["sizeInBytes"],
    )
