"""Read landed files of any format into one text-typed shape, keeping bad rows as raw text.

Every reader returns the source's columns as strings (sanitised names, a repeated name
suffixed) plus `_raw_record`, `_parse_error`, `_file_uri` (joins to the file's lineage) and
`_read_order` (file order). A CSV without a header line is rejected with its reason.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.runtime.filesystem import HadoopFs
from scout_spark.sources.discovery import SourceFile
from scout_spark.sources.json_keys import key_columns
from scout_spark.sources.text_columns import as_text, sanitize, unique_names

CORRUPT = "_corrupt_record"
_GLOB_CHARS = re.compile(r"([\[\]{}*?\\])")
_TEXT_MAP = T.MapType(T.StringType(), T.StringType())


@dataclass(frozen=True)
class BatchRead:
    """Frames of the rows read (one after `read_files`) and the files rejected, with reasons."""

    frames: list[DataFrame]
    rejected: dict[str, str] = field(default_factory=dict)


def literal_path(path: str) -> str:
    """Escape Hadoop glob characters so a file name with [ or { is read literally."""
    return _GLOB_CHARS.sub(r"\\\1", path)


def _c(name: str) -> Column:
    return F.col(f"`{name}`")


def _has_bad_utf8(columns: list[str]) -> Column:
    checks = [F.coalesce(_c(n).contains("\ufffd"), F.lit(False)) for n in columns]
    return F.greatest(*checks) if len(checks) > 1 else checks[0] if checks else F.lit(False)


def _finish(
    df: DataFrame, columns: list[str], labels: list[str], record: Column, parse_error: Column
) -> DataFrame:
    """Name `columns` after their delivered `labels`, add the record and the lineage handles."""
    utf8_error = F.when(_has_bad_utf8(columns), F.lit("text is not valid UTF-8"))
    return df.select(
        *[_c(c).alias(n) for c, n in zip(columns, unique_names(labels), strict=True)],
        record.alias("_raw_record"),
        F.coalesce(parse_error, utf8_error).alias("_parse_error"),
        F.col("_metadata.file_path").alias("_file_uri"),
        F.monotonically_increasing_id().alias("_read_order"),
    )


def header_problem(header: str, columns: Collection[str]) -> str | None:
    """Why a CSV's first line is not a header naming the dataset's columns, if it is not."""
    if not header.strip():
        return "CSV header line is empty"
    try:
        names = {sanitize(n, i) for i, n in enumerate(next(csv.reader([header])))}
    except csv.Error as exc:
        return f"CSV header line cannot be parsed: {exc}"
    if columns and not names & set(columns):
        return "CSV header line is missing (its first line names none of the dataset's columns)"
    return None


def read_csv(
    spark: SparkSession, fs: HadoopFs, files: list[SourceFile], columns: Collection[str]
) -> BatchRead:
    """CSV grouped by header line (files may differ: schema drift); malformed rows kept raw."""
    by_header: dict[str, list[str]] = defaultdict(list)
    rejected: dict[str, str] = {}
    for file in files:
        header = fs.first_line(file.path).lstrip("\ufeff")
        if reason := header_problem(header, columns):
            rejected[file.path] = reason
        else:
            by_header[header].append(literal_path(file.path))
    frames = []
    for header, paths in by_header.items():
        labels = next(csv.reader([header]))
        # Spark fields take the header's names (Spark warns per file when they differ), by
        # position when names repeat or differ only in case: a schema cannot hold those.
        is_plain = len({n.lower() for n in labels}) == len(labels) and all(
            n and "`" not in n for n in labels
        )
        fields = labels if is_plain else [f"_c{i}" for i in range(len(labels))]
        schema = T.StructType([T.StructField(n, T.StringType()) for n in [*fields, CORRUPT]])
        raw_df = (
            spark.read.schema(schema)
            .option("header", True)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .option("multiLine", False)
            .option("nullValue", "\u0000")  # keep "" as delivered (Spark reads it as null)
            .csv(paths)
        )
        record = F.to_json(F.struct(*[_c(p).alias(n) for p, n in zip(fields, labels, strict=True)]))
        error = F.when(
            F.col(CORRUPT).isNotNull(),
            F.lit(f"CSV row does not match its header of {len(labels)} fields"),
        )
        frames.append(_finish(raw_df, fields, labels, F.coalesce(F.col(CORRUPT), record), error))
    return BatchRead(frames, rejected)


def read_json(spark: SparkSession, files: list[SourceFile]) -> list[DataFrame]:
    """JSON Lines as text: each object's keys become columns (json_keys), a bad line stays raw."""
    lines_df = (
        spark.read.text([literal_path(f.path) for f in files])
        .select(F.regexp_replace("value", "^\ufeff", "").alias("line"), "_metadata")
        .where(F.trim(F.col("line")) != "")
        .withColumn("_object", F.from_json("line", _TEXT_MAP))
    )
    key_sets = [
        r[0]
        for r in lines_df.select(F.array_sort(F.map_keys("_object"))).distinct().collect()
        if r[0] is not None
    ]
    columns = key_columns(F.col("_object"), key_sets, sanitize)
    positions = [f"_k{i}" for i in range(len(columns))]
    text_df = lines_df.select(
        *[value.alias(p) for (_, value), p in zip(columns, positions, strict=True)],
        "line",
        "_object",
        "_metadata",
    )
    error = F.when(F.col("_object").isNull(), F.lit("line is not valid JSON"))
    utf8_error = F.when(F.col("line").contains("\ufffd"), F.lit("text is not valid UTF-8"))
    labels = [label for label, _ in columns]
    return [_finish(text_df, positions, labels, F.col("line"), F.coalesce(error, utf8_error))]


def read_typed(spark: SparkSession, fmt: str, files: list[SourceFile]) -> list[DataFrame]:
    """Parquet in one read (schemas merged: drift), Avro per file (its schema is per file)."""
    paths = [literal_path(f.path) for f in files]
    if fmt != "parquet":
        return [_typed_as_text(spark.read.format(fmt).load(p)) for p in paths]
    try:
        return [_typed_as_text(spark.read.option("mergeSchema", True).parquet(*paths))]
    except Exception:
        if len(paths) == 1:
            raise
    # A column typed differently across files (string here, decimal there) cannot merge:
    # read each schema's files together, then union them as text (bronze holds text).
    by_schema: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        by_schema[spark.read.parquet(path).schema.json()].append(path)
    return [_typed_as_text(spark.read.parquet(*group)) for group in by_schema.values()]


def read_delta_sources(
    spark: SparkSession, fs: HadoopFs, files: list[SourceFile]
) -> list[DataFrame]:
    """A Delta table delivered as a source: its snapshot at the listed version."""
    frames = []
    for table in files:
        raw_df = spark.read.format("delta").option("versionAsOf", table.size).load(table.path)
        frames.append(_typed_as_text(raw_df, F.lit(fs.uri_of(table.path))))
    return frames


def _typed_as_text(raw_df: DataFrame, file_uri: Column | None = None) -> DataFrame:
    names = raw_df.columns
    text_df = raw_df.select(
        *[as_text(_c(n), raw_df.schema[n].dataType).alias(n) for n in names],
        F.to_json(F.struct(*[_c(n) for n in names])).alias(CORRUPT),
        (F.col("_metadata.file_path") if file_uri is None else file_uri).alias("_file_uri_in"),
    )
    return text_df.select(
        *[_c(n).alias(u) for n, u in zip(names, unique_names(names), strict=True)],
        F.col(CORRUPT).alias("_raw_record"),
        F.lit(None).cast("string").alias("_parse_error"),
        F.col("_file_uri_in").alias("_file_uri"),
        F.monotonically_increasing_id().alias("_read_order"),
    )


def read_files(
    spark: SparkSession, fs: HadoopFs, files: list[SourceFile], *, columns: Collection[str]
) -> BatchRead:
    """All files of a batch, each by its format's reader, in one frame (None: no file left).

    `columns` are the dataset's contract columns: a CSV header must name one of them.
    """
    by_format: dict[str, list[SourceFile]] = {}
    for file in files:
        by_format.setdefault(str(file.format), []).append(file)
    frames: list[DataFrame] = []
    rejected: dict[str, str] = {}
    for fmt, group in sorted(by_format.items()):
        if fmt == "csv":
            csv_read = read_csv(spark, fs, group, columns)
            frames += csv_read.frames
            rejected.update(csv_read.rejected)
        elif fmt == "json":
            frames += read_json(spark, group)
        elif fmt == "delta":
            frames += read_delta_sources(spark, fs, group)
        else:
            frames += read_typed(spark, fmt, group)
    if not frames:
        return BatchRead([], rejected)
    return BatchRead(
        [reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)], rejected
    )
