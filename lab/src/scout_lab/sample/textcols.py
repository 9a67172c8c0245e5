"""Typed columns rendered as text for CSV and JSON Lines, vectorised with pyarrow.compute."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scout_lab.sample import columns as C
from scout_lab.sample.timeutil import MANILA_OFFSET_MICROS, MICROS_PER_SECOND

_FMT = "%Y-%m-%dT%H:%M:%S"


def _seconds(micros: np.ndarray) -> pa.Array:
    return pa.array(micros // MICROS_PER_SECOND, pa.int64()).cast(pa.timestamp("s"))


def format_timestamps(column: pa.Array, styles: np.ndarray) -> pa.Array:
    """ISO-8601 text per row: 0 naive local, 1 naive local with T, 2 +08:00, 3 Z (UTC)."""
    micros = np.asarray(pc.fill_null(column.cast(pa.int64()), 0))
    local = _seconds(micros + MANILA_OFFSET_MICROS)
    naive_t = pc.strftime(local, format=_FMT)
    choices = [
        pc.strftime(local, format="%Y-%m-%d %H:%M:%S"),
        naive_t,
        pc.binary_join_element_wise(naive_t, "+08:00", ""),
        pc.binary_join_element_wise(pc.strftime(_seconds(micros), format=_FMT), "Z", ""),
    ]
    text = pc.choose(pa.array(styles.astype(np.int8)), *choices)
    return pc.if_else(pc.is_null(column), pa.nulls(len(column), pa.string()), text)


def _styles(table: pa.Table) -> np.ndarray:
    if C.TS_STYLE in table.column_names:
        return np.asarray(table.column(C.TS_STYLE).combine_chunks())
    return (np.arange(table.num_rows) % 4).astype(np.int8)


def _override(text: pa.Array, table: pa.Table, override: str) -> pa.Array:
    if override not in table.column_names:
        return text
    column = table.column(override).combine_chunks()
    return pc.if_else(pc.is_null(column), text, column)


def text_column(table: pa.Table, name: str) -> pa.Array:
    """One public column as text (nulls stay null); integers and doubles keep their digits."""
    column = table.column(name).combine_chunks()
    kind = column.type
    if pa.types.is_timestamp(kind):
        text = format_timestamps(column, _styles(table))
        return _override(text, table, C.TS_TEXT) if name == "timestamp" else text
    text = pc.cast(column, pa.string())
    if name == "total_amount":
        return _override(text, table, C.AMOUNT_TEXT)
    return text


def text_table(table: pa.Table) -> pa.Table:
    """The public columns, all rendered as strings, for the CSV writer."""
    names = C.public(table).column_names
    return pa.table({n: text_column(table, n) for n in names})


def _json_string(text: pa.Array) -> pa.Array:
    escaped = pc.replace_substring(pc.replace_substring(text, "\\", "\\\\"), '"', '\\"')
    return pc.binary_join_element_wise('"', escaped, '"', "")


def _json_value(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name).combine_chunks()
    kind = column.type
    text = text_column(table, name)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        value = text
    elif pa.types.is_decimal(kind):
        quoted = _json_string(text)
        if C.AMOUNT_STYLE in table.column_names:
            as_string = pc.equal(table.column(C.AMOUNT_STYLE).combine_chunks(), 1)
        else:
            as_string = pa.array(np.zeros(len(text), dtype=bool))
        if name == "total_amount" and C.AMOUNT_TEXT in table.column_names:
            as_string = pc.or_(as_string, pc.is_valid(table.column(C.AMOUNT_TEXT)))
        value = pc.if_else(as_string, quoted, text)
    else:
        value = _json_string(text)
    return pc.fill_null(value, "null")


def json_lines(table: pa.Table, chunk_rows: int = 250_000) -> bytes:
    """One JSON object per row, newline-terminated, keys in column order."""
    return b"".join(
        _json_chunk(table.slice(i, chunk_rows)) for i in range(0, table.num_rows, chunk_rows)
    )


def _json_chunk(table: pa.Table) -> bytes:
    parts: list[pa.Array | str] = []
    for i, name in enumerate(C.public(table).column_names):
        parts.append(('{"' if i == 0 else ',"') + name + '":')
        parts.append(_json_value(table, name))
    parts.append("}\n")
    lines = pc.binary_join_element_wise(*parts, "")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return lines.buffers()[2].to_pybytes()[start:end]
