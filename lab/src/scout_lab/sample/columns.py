"""Column helpers: exact decimals from integer centavos, ids, and the internal columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

AMOUNT_TYPE = pa.decimal128(14, 2)
PRICE_TYPE = pa.decimal128(12, 2)
# Internal columns steer encoders and bookkeeping; encoders drop them before writing.
INTERNAL_PREFIX = "__"
SEQ = "__seq"  # per-day sequence number of the transaction (unique within a date)
TS_STYLE = "__ts_style"  # text timestamp form: 0 naive, 1 naive with T, 2 +08:00, 3 Z
AMOUNT_STYLE = "__amount_style"  # JSON amounts: 0 number, 1 numeric string
TS_TEXT = "__ts_text"  # text-format override of `timestamp` (unparseable values)
AMOUNT_TEXT = "__amount_text"  # text-format override of `total_amount` (non-numeric)
RULE = "__rule"  # silver rule this row breaks, null when valid


def decimal_from_centavos(centavos: np.ndarray, dtype: pa.DataType = AMOUNT_TYPE) -> pa.Array:
    """Exact decimal(p, 2) array whose unscaled values are the given int64 centavos."""
    values = np.ascontiguousarray(centavos, dtype=np.int64)
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63  # sign-extend to 128 bits
    return pa.Array.from_buffers(dtype, len(values), [None, pa.py_buffer(words.tobytes())])


def centavos_from_decimal(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Inverse of `decimal_from_centavos` for amounts that fit in int64 (nulls become 0)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    filled = pc.fill_null(array, pa.scalar(0, array.type))
    words = np.frombuffer(filled.buffers()[1], dtype=np.int64)
    return words[2 * filled.offset : 2 * (filled.offset + len(filled)) : 2].copy()


def prefixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Ids like `CUST-0000042`: a prefix and zero-padded numbers, built without Python loops."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def transaction_ids(day: dt.date, seq: np.ndarray, tag: str = "") -> pa.Array:
    """Ids like `TXN-20240115-0000042`; a tag (e.g. `X`) marks injected extra rows."""
    return prefixed_ids(f"TXN-{day:%Y%m%d}-{tag}", seq, 7)


def internal_columns(table: pa.Table) -> list[str]:
    """Names of the internal (non-contract) columns of a table."""
    return [n for n in table.column_names if n.startswith(INTERNAL_PREFIX)]


def public(table: pa.Table) -> pa.Table:
    """The table without its internal columns, as written."""
    return table.drop_columns(internal_columns(table))


def plain(table: pa.Table) -> pa.Table:
    """The public columns with dictionary-encoded ones decoded, for writers that need it."""
    table = public(table)
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(f.type.value_type))
    return table


def set_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    """Replace (or append) a column by name."""
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)


def replace_at(table: pa.Table, name: str, rows: np.ndarray, values: pa.Array | list) -> pa.Table:
    """Replace a column's values at the given row positions."""
    if len(rows) == 0:
        return table
    column = table.column(name).combine_chunks()
    new = pa.array(values, column.type) if isinstance(values, list) else values.cast(column.type)
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    index = np.zeros(len(column), dtype=np.int64)
    index[rows] = np.arange(len(rows))
    merged = pc.if_else(pa.array(mask), new.take(pa.array(index)), column)
    return set_column(table, name, merged)
