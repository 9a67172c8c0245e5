"""Read landed files of any format into one text-typed shape, keeping bad rows as raw text.

Every reader returns the source's columns as strings (sanitised names) plus `_raw_record`,
`_parse_error`, `_file_uri` (joins to the file's lineage) and `_read_order` (file order).
"""

import csv
import re
from collections import defaultdict
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.sources.discovery import SourceFile
from scout_spark.sources.hadoop_fs import HadoopFs

CORRUPT = "_corrupt_record"
_GLOB_CHARS = re.compile(r"([\[\]{}*?\\])")
_NOT_NAME = re.compile(r"[^a-z0-9_]+")
INSTANT_TEXT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
LOCAL_TEXT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"


def sanitize(name: str, position: int) -> str:
    """A Delta-safe column name: lower-case letters, digits and underscores."""
    cleaned = _NOT_NAME.sub("_", name.strip().lower()).strip("_")
    return cleaned or f"_c{position}"


def literal_path(path: str) -> str:
    """Escape Hadoop glob characters so a file name with [ or { is read literally."""
    return _GLOB_CHARS.sub(r"\\\1", path)


def as_text(column: Column, data_type: T.DataType) -> Column:
    """A typed value as the text it stands for; instants keep their offset (UTC 'Z')."""
    if isinstance(data_type, T.TimestampType):
        return F.date_format(column, INSTANT_TEXT)
    if isinstance(data_type, T.TimestampNTZType):
        return F.date_format(column, LOCAL_TEXT)
    if isinstance(data_type, T.BinaryType):
        return F.base64(column)
    if isinstance(data_type, T.StructType | T.ArrayType | T.MapType):
        return F.to_json(column)
    return column.cast("string")


def _c(name: str) -> Column:
    return F.col(f"`{name}`")


def _has_bad_utf8(names: list[str]) -> Column:
    checks = [F.coalesce(_c(n).contains("\ufffd"), F.lit(False)) for n in names]
    return F.greatest(*checks) if len(checks) > 1 else checks[0]


def _finish(df: DataFrame, names: list[str], parse_error: Column) -> DataFrame:
    """Rename to sanitised names, add the record as JSON text and the lineage handles."""
    renamed = {n: sanitize(n, i) for i, n in enumerate(names)}
    utf8_error = F.when(_has_bad_utf8(names), F.lit("text is not valid UTF-8"))
    record = F.to_json(F.struct(*[_c(n) for n in names]))
    return df.select(
        *[_c(n).alias(renamed[n]) for n in names],
        F.coalesce(F.col(CORRUPT), record).alias("_raw_record"),
        F.coalesce(parse_error, utf8_error).alias("_parse_error"),
        F.col("_metadata.file_path").alias("_file_uri"),
        F.monotonically_increasing_id().alias("_read_order"),
    )


def read_csv(spark: SparkSession, fs: HadoopFs, files: list[SourceFile]) -> list[DataFrame]:
    """CSV grouped by header line (files may differ: schema drift); malformed rows kept raw."""
    by_header: dict[str, list[str]] = defaultdict(list)
    for file in files:
        by_header[fs.first_line(file.path).lstrip("\ufeff")].append(literal_path(file.path))
    frames = []
    for header, paths in by_header.items():
        names = [n if n else f"_c{i}" for i, n in enumerate(next(csv.reader([header])))]
        schema = T.StructType([T.StructField(n, T.StringType()) for n in [*names, CORRUPT]])
        raw_df = (
            spark.read.schema(schema)
            .option("header", True)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .option("multiLine", False)
            .option("nullValue", "\u0000")  # keep "" as delivered (Spark reads it as null)
            .csv(paths)
        )
        error = F.when(
            F.col(CORRUPT).isNotNull(),
            F.lit(f"CSV row does not match its header of {len(names)} fields"),
        )
        frames.append(_finish(raw_df, names, error))
    return frames


def read_json(spark: SparkSession, files: list[SourceFile]) -> list[DataFrame]:
    """JSON Lines with values kept as text; a line that is not JSON is kept raw."""
    raw_df = (
        spark.read.option("primitivesAsString", True)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .json([literal_path(f.path) for f in files])
    )
    if CORRUPT not in raw_df.columns:
        raw_df = raw_df.withColumn(CORRUPT, F.lit(None).cast("string"))
    names = [f.name for f in raw_df.schema.fields if f.name != CORRUPT]
    typed = raw_df.select(
        *[as_text(_c(n), raw_df.schema[n].dataType).alias(n) for n in names],
        CORRUPT,
        "_metadata",
    )
    error = F.when(F.col(CORRUPT).isNotNull(), F.lit("line is not valid JSON"))
    return [_finish(typed, names, error)]


def read_typed(spark: SparkSession, fmt: str, files: list[SourceFile]) -> list[DataFrame]:
    """Parquet in one read (schemas merged: drift), Avro per file (its schema is per file)."""
    if fmt == "parquet":
        raw_df = spark.read.option("mergeSchema", True).parquet(
            *[literal_path(f.path) for f in files]
        )
        return [_typed_as_text(raw_df, F.col("_metadata.file_path"))]
    return [
        _typed_as_text(
            spark.read.format(fmt).load(literal_path(f.path)), F.col("_metadata.file_path")
        )
        for f in files
    ]


def read_delta_sources(
    spark: SparkSession, fs: HadoopFs, files: list[SourceFile]
) -> list[DataFrame]:
    """A Delta table delivered as a source: its snapshot at the listed version."""
    frames = []
    for table in files:
        raw_df = spark.read.format("delta").option("versionAsOf", table.size).load(table.path)
        frames.append(_typed_as_text(raw_df, F.lit(fs.uri_of(table.path))))
    return frames


def _typed_as_text(raw_df: DataFrame, file_uri: Column) -> DataFrame:
    names = raw_df.columns
    text_df = raw_df.select(
        *[as_text(_c(n), raw_df.schema[n].dataType).alias(n) for n in names],
        F.to_json(F.struct(*[_c(n) for n in names])).alias(CORRUPT),
        file_uri.alias("_file_uri_in"),
    )
    renamed = {n: sanitize(n, i) for i, n in enumerate(names)}
    return text_df.select(
        *[_c(n).alias(renamed[n]) for n in names],
        F.col(CORRUPT).alias("_raw_record"),
        F.lit(None).cast("string").alias("_parse_error"),
        F.col("_file_uri_in").alias("_file_uri"),
        F.monotonically_increasing_id().alias("_read_order"),
    )


def read_files(spark: SparkSession, fs: HadoopFs, files: list[SourceFile]) -> DataFrame:
    """All files of a batch, each by its format's reader, in one frame."""
    by_format: dict[str, list[SourceFile]] = {}
    for file in files:
        by_format.setdefault(str(file.format), []).append(file)
    frames: list[DataFrame] = []
    for fmt, group in sorted(by_format.items()):
        if fmt == "csv":
            frames += read_csv(spark, fs, group)
        elif fmt == "json":
            frames += read_json(spark, group)
        elif fmt == "delta":
            frames += read_delta_sources(spark, fs, group)
        else:
            frames += read_typed(spark, fmt, group)
    return reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)


def unreadable_files(spark: SparkSession, files: list[SourceFile]) -> dict[str, str]:
    """After a failed write: probe typed files one by one to find those Spark cannot read."""
    bad = {}
    for file in files:
        if file.format not in ("parquet", "avro"):
            continue
        try:
            probe_df = spark.read.format(file.format).load(literal_path(file.path))
            probe_df.write.format("noop").mode("overwrite").save()
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "unreadable"
            bad[file.path] = f"cannot read {file.format} file: {first}"
    return bad
