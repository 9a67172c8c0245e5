"""Columns of JSON Lines objects parsed to a string map, keys matched as Delta matches names.

Delta column names ignore case, so keys that differ only in case (or in characters that
sanitise alike) share a column when they never meet in one object (a file that writes
`Transaction_ID`, another `transaction_id`); when they do meet, or a key repeats in one
object, each value is kept, the second in a column suffixed `_2`.
"""

from collections import defaultdict
from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F


def _entries_under(object_col: Column, keys: list[str]) -> Column:
    return F.filter(F.map_entries(object_col), lambda e: e.getField("key").isin(keys))


def key_columns(
    object_col: Column, key_sets: list[list[str]], sanitize: Callable[[str, int], str]
) -> list[tuple[str, Column]]:
    """(label, value) per column: one per name, more when colliding keys meet in an object."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for i, key in enumerate(sorted({k for keys in key_sets for k in keys})):
        by_name[sanitize(key, i)].append(key)
    columns: list[tuple[str, Column]] = []
    for name, keys in sorted(by_name.items()):
        # How many of the name's keys one object holds at most (a key may repeat in a line).
        width = max(sum(k in keys for k in key_set) for key_set in key_sets)
        if width == 1 and len(keys) == 1:
            columns.append((name, object_col.getItem(keys[0])))
            continue
        # The object's entries under these keys, in the line's order: nth -> nth column.
        present = _entries_under(object_col, keys)
        columns += [
            (name, F.try_element_at(present, F.lit(n + 1)).getField("value")) for n in range(width)
        ]
    return columns
