"""Spark memory sizes (spark.driver_memory) as Spark reads them."""

import re

SPARK_DEFAULT_DRIVER_MEMORY = "1g"
_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)b?\s*$", re.IGNORECASE)
_MIB_PER_UNIT = {"k": 1 / 1024, "m": 1, "": 1, "g": 1024, "t": 1024 * 1024}


def memory_mib(text: str) -> float | None:
    """A Spark memory size (4g, 4096m, 512k; no unit: MiB) in MiB; None when not one."""
    match = _SIZE.match(text)
    if not match:
        return None
    return int(match.group(1)) * _MIB_PER_UNIT[match.group(2).lower()]
