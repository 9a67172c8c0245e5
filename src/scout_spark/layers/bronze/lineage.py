"""Bronze lineage: each row's source file and its 0-based place in it, in bounded memory.

A window over each file (row_number by read order) held a whole file in one task, and the
batch had to be persisted to count it. Instead one pass counts the rows of each piece of
each file, the driver turns those few counts into offsets, and the write streams the rows.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.errors import ScoutError
from scout_spark.sources.discovery import SourceFile

# Per piece of a file (its rows read by one Spark task): the file's lineage, the piece's
# first `_read_order` and how many of the file's rows come before it.
PIECES_SCHEMA = T.StructType(
    [
        T.StructField("_file_uri", T.StringType(), False),
        T.StructField("_piece", T.LongType(), False),
        T.StructField("_piece_first", T.LongType(), False),
        T.StructField("_piece_offset", T.LongType(), False),
        T.StructField("_source_file", T.StringType(), False),
        T.StructField("_source_format", T.StringType(), False),
        T.StructField("_source_size", T.LongType(), False),
        T.StructField("_source_modified_at", T.TimestampType(), False),
    ]
)
# monotonically_increasing_id: the task's partition index above bit 33, its row count below.
_PIECE_BITS = 33


def _piece() -> Column:
    return F.shiftright(F.col("_read_order"), _PIECE_BITS)


def count_pieces(raw_df: DataFrame) -> DataFrame:
    """Needs `_file_uri`, `_read_order`: rows and first read order per piece of each file.

    A piece is a run of consecutive rows (one task reads a file's split in order), so a
    row's place in its file is the rows of the file's earlier pieces plus its place in its
    piece: no task ever holds a whole file, as a window over the file would.
    """
    return raw_df.groupBy("_file_uri", _piece().alias("_piece")).agg(
        F.min("_read_order").alias("_first"), F.count(F.lit(1)).alias("_rows")
    )


def piece_offsets(
    pieces: Iterable[tuple[str, int, int, int]],
) -> dict[tuple[str, int], tuple[int, int]]:
    """(file uri, piece, first, rows) -> {(file uri, piece): (first, rows of the file before)}."""
    offsets: dict[tuple[str, int], tuple[int, int]] = {}
    before: dict[str, int] = {}
    for uri, piece, first, rows in sorted(pieces, key=lambda p: (p[0], p[2])):
        offsets[(uri, piece)] = (first, before.get(uri, 0))
        before[uri] = before.get(uri, 0) + rows
    return offsets


def with_lineage(
    raw_df: DataFrame, *, pieces_df: DataFrame, ingested_at: datetime, run_id: str
) -> DataFrame:
    """Needs `_file_uri`, `_read_order`; adds the `_source_*`, `_ingest*` and `_run_id` columns.

    `pieces_df` (PIECES_SCHEMA) holds every piece of `raw_df` (count_pieces, piece_offsets).
    """
    return (
        raw_df.withColumn("_piece", _piece())
        .join(F.broadcast(pieces_df), on=["_file_uri", "_piece"], how="left")
        .withColumn(
            "_source_row", F.col("_piece_offset") + F.col("_read_order") - F.col("_piece_first")
        )
        .drop("_piece", "_piece_first", "_piece_offset")
        .withColumn("_ingested_at", F.lit(ingested_at).cast("timestamp"))
        .withColumn("_ingest_date", F.to_date(F.col("_ingested_at")))
        .withColumn("_run_id", F.lit(run_id))
    )


def file_pieces(
    spark: SparkSession, dataset: str, by_uri: Mapping[str, SourceFile], raw_df: DataFrame
) -> tuple[DataFrame, dict[str, int]]:
    """The lineage of each piece of each file (PIECES_SCHEMA) and the rows per file.

    A pass over the batch that keeps one row per task and file: the write then streams
    each task's rows with their place in the file, nothing persisted.
    """
    pieces = [(r[0], r[1], r[2], r[3]) for r in count_pieces(raw_df).collect()]
    lost = sum(rows for uri, _, _, rows in pieces if uri not in by_uri)
    if lost:
        raise ScoutError(f"bronze {dataset}: {lost} rows lost their file lineage")
    lineage = [
        (uri, piece, first, offset, f.path, f.format, f.size, f.modified_at)
        for (uri, piece), (first, offset) in piece_offsets(pieces).items()
        for f in [by_uri[uri]]
    ]
    counts: dict[str, int] = {}
    for uri, _, _, rows in pieces:
        counts[by_uri[uri].path] = counts.get(by_uri[uri].path, 0) + rows
    return spark.createDataFrame(lineage, PIECES_SCHEMA), counts
