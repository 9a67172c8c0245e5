"""Source columns as bronze keeps them: Delta-safe unique names, every value as text."""

import re
from collections.abc import Sequence

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

_NOT_NAME = re.compile(r"[^a-z0-9_]+")
INSTANT_TEXT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
LOCAL_TEXT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"


def sanitize(name: str, position: int) -> str:
    """A Delta-safe column name: lower-case letters, digits and underscores."""
    cleaned = _NOT_NAME.sub("_", name.strip().lower()).strip("_")
    return cleaned or f"_c{position}"


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


def unique_names(labels: Sequence[str]) -> list[str]:
    """Sanitised names, made unique: a repeated or case-colliding name gets a suffix (_2)."""
    taken: set[str] = set()
    names = []
    for i, label in enumerate(labels):
        base = name = sanitize(label, i)
        suffix = 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(name)
        names.append(name)
    return names
