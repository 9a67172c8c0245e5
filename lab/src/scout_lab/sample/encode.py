"""Encode a table as the bytes of one file: parquet, csv, jsonl or avro (delta is a folder)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import fastavro
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from scout_lab.sample import columns as C
from scout_lab.sample.textcols import json_lines, text_table

EXTENSIONS = {
    "parquet": "parquet",
    "csv": "csv",
    "jsonl": "jsonl",
    "avro": "avro",
    "delta": "delta",
}


def encode(table: pa.Table, fmt: str, salt: str) -> bytes:
    """File bytes for `table` in `fmt`; `salt` makes avro sync markers deterministic."""
    if fmt == "parquet":
        return _parquet(C.public(table))
    if fmt == "csv":
        return csv_bytes(table, header=True)
    if fmt == "jsonl":
        return json_lines(table)
    if fmt == "avro":
        return _avro(C.plain(table), salt)
    raise ValueError(f"format {fmt!r} is not a single-file format")


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="snappy")
    return sink.getvalue().to_pybytes()


def csv_bytes(table: pa.Table, header: bool) -> bytes:
    """RFC 4180 CSV (comma, quoted strings, LF line ends) of the public columns as text."""
    sink = io.BytesIO()
    options = pcsv.WriteOptions(include_header=header, quoting_style="needed")
    pcsv.write_csv(text_table(table), sink, options)
    return sink.getvalue()


def _avro_type(kind: pa.DataType) -> object:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    if pa.types.is_int32(kind) or pa.types.is_int8(kind) or pa.types.is_int16(kind):
        return "int"
    if pa.types.is_int64(kind):
        return "long"
    if pa.types.is_floating(kind):
        return "double"
    if pa.types.is_decimal(kind):
        return {
            "type": "bytes",
            "logicalType": "decimal",
            "precision": kind.precision,
            "scale": kind.scale,
        }
    if pa.types.is_timestamp(kind):
        return {"type": "long", "logicalType": "timestamp-micros"}
    if pa.types.is_date32(kind):
        return {"type": "int", "logicalType": "date"}
    raise TypeError(f"no avro mapping for {kind}")


def avro_schema(schema: pa.Schema) -> dict:
    """Avro record schema with every field nullable, logical types for time and money."""
    fields = [{"name": f.name, "type": ["null", _avro_type(f.type)]} for f in schema]
    return {"type": "record", "name": "Row", "namespace": "scout.sample", "fields": fields}


def _decimal_bytes(values: list[int | None]) -> list[bytes | None]:
    return [
        None if v is None else v.to_bytes((v.bit_length() + 8) // 8, "big", signed=True)
        for v in values
    ]


def _python_column(column: pa.Array) -> list:
    kind = column.type
    if pa.types.is_decimal(kind):
        valid = np.asarray(column.is_valid())
        centavos = C.centavos_from_decimal(column).tolist()
        return _decimal_bytes([c if ok else None for c, ok in zip(centavos, valid, strict=True)])
    if pa.types.is_timestamp(kind) or pa.types.is_date32(kind):
        return column.cast(pa.int64() if pa.types.is_timestamp(kind) else pa.int32()).to_pylist()
    return column.to_pylist()


def _records(table: pa.Table) -> Iterator[dict]:
    names = table.column_names
    for batch in table.to_batches(max_chunksize=100_000):
        values = [_python_column(batch.column(i)) for i in range(len(names))]
        for row in zip(*values, strict=True):
            yield dict(zip(names, row, strict=True))


def _avro(table: pa.Table, salt: str) -> bytes:
    sink = io.BytesIO()
    marker = hashlib.blake2b(salt.encode(), digest_size=16).digest()
    schema = fastavro.parse_schema(avro_schema(table.schema))
    fastavro.writer(sink, schema, _records(table), codec="deflate", sync_marker=marker)
    return sink.getvalue()
