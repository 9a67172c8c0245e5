"""Bronze lineage in bounded memory: a row's place in its file, however its file is split."""

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import SparkSession

from scout_spark.layers.bronze.lineage import (
    count_pieces,
    file_pieces,
    piece_offsets,
    with_lineage,
)
from scout_spark.runtime.filesystem import HadoopFs, open_fs
from scout_spark.session import temporary_conf
from scout_spark.sources.discovery import SourceFile
from scout_spark.sources.readers import read_files

ROWS = 3000


def _source(fs: HadoopFs, path: Path, fmt: str) -> SourceFile:
    stat = path.stat()
    return SourceFile(
        fs.qualify(str(path)), stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC), fmt
    )


def test_offsets_follow_the_pieces_of_each_file_in_read_order() -> None:
    pieces = [
        ("b", 0, 5, 2),
        ("a", 1 << 33, (1 << 33) + 7, 3),
        ("a", 0, 0, 7),
        ("a", 2 << 33, 2 << 33, 1),
    ]
    assert piece_offsets(pieces) == {
        ("a", 0): (0, 0), ("a", 1 << 33): ((1 << 33) + 7, 7), ("a", 2 << 33): (2 << 33, 10),
        ("b", 0): (5, 0),
    }  # fmt: skip


def test_each_row_keeps_its_place_in_a_file_read_by_many_tasks(
    spark: SparkSession, tmp_path: Path
) -> None:
    ids = [f"{i:06d}" for i in range(ROWS)]
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({"transaction_id": ids, "store_id": ids}), parquet, row_group_size=100)
    csv = tmp_path / "t.csv"
    csv.write_text("transaction_id,store_id\n" + "".join(f"{i},{i}\n" for i in ids))
    fs = open_fs(spark, tmp_path.as_uri())
    files = [_source(fs, parquet, "parquet"), _source(fs, csv, "csv")]
    small_splits = {
        "spark.sql.files.maxPartitionBytes": "8192",
        "spark.sql.files.openCostInBytes": "0",
    }
    with temporary_conf(spark, small_splits):
        raw_df = read_files(spark, fs, files, columns=["transaction_id"]).frames[0]
        tasks_per_file = {
            r[0]: r[1] for r in count_pieces(raw_df).groupBy("_file_uri").count().collect()
        }
        by_uri = {fs.uri_of(f.path): f for f in files}
        pieces_df, counts = file_pieces(spark, "transactions", by_uri, raw_df)
        lineage_df = with_lineage(
            raw_df, pieces_df=pieces_df, ingested_at=datetime.now(UTC), run_id="r"
        )
        rows = lineage_df.select("_source_file", "transaction_id", "_source_row").collect()

    assert min(tasks_per_file.values()) >= 3, tasks_per_file  # each file really is split
    assert counts == {f.path: ROWS for f in files}
    assert len(rows) == 2 * ROWS
    assert {r["_source_file"] for r in rows} == {f.path for f in files}
    misplaced = [r for r in rows if int(r["transaction_id"]) != r["_source_row"]]
    assert misplaced == []
