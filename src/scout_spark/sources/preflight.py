"""Cheap checks that reject a file before Spark reads it: empty, wrong magic, binary text."""

from scout_spark.runtime.filesystem import HadoopFs
from scout_spark.sources.discovery import SourceFile

PARQUET_MAGIC = b"PAR1"
AVRO_MAGIC = b"Obj\x01"
TEXT_FORMATS = ("csv", "json")


def rejection_reason(fs: HadoopFs, file: SourceFile) -> str | None:
    """Why this file cannot be ingested at all, or None when it looks readable."""
    if file.format is None:
        return "unsupported file extension (expected parquet, csv, json/jsonl, avro or delta)"
    if file.format == "delta":
        return None
    if file.size == 0:
        return "zero-byte file"
    head, tail = fs.read_head_tail(file.path, file.size, nbytes=4)
    if file.format == "parquet":
        if head != PARQUET_MAGIC:
            return "not a Parquet file (wrong format for its extension)"
        if tail != PARQUET_MAGIC:
            return "truncated or corrupt Parquet file (no footer)"
    if file.format == "avro" and head != AVRO_MAGIC:
        return "not an Avro file (wrong format for its extension)"
    if file.format in TEXT_FORMATS and (
        b"\x00" in head or head in (PARQUET_MAGIC, AVRO_MAGIC) or b"\x00" in tail
    ):
        return f"binary content in a .{file.format} file (wrong format for its extension)"
    return None
