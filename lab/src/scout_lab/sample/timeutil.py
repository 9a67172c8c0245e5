"""Time arithmetic in integer microseconds; Asia/Manila is UTC+8 all year (no DST)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

MICROS_PER_SECOND = 1_000_000
MICROS_PER_HOUR = 3600 * MICROS_PER_SECOND
MICROS_PER_DAY = 24 * MICROS_PER_HOUR
MANILA_OFFSET_MICROS = 8 * MICROS_PER_HOUR
TS_TYPE = pa.timestamp("us", tz="UTC")
_EPOCH = dt.date(1970, 1, 1)


def manila_midnight_micros(day: dt.date) -> int:
    """UTC instant, in microseconds since the epoch, of 00:00 Asia/Manila on `day`."""
    return (day - _EPOCH).days * MICROS_PER_DAY - MANILA_OFFSET_MICROS


def manila_hour(micros: np.ndarray) -> np.ndarray:
    """Hour of day in Asia/Manila for UTC microsecond instants."""
    return ((micros + MANILA_OFFSET_MICROS) // MICROS_PER_HOUR) % 24


def manila_iso(micros: int) -> str:
    """An instant as ISO-8601 text with the +08:00 offset, for the manifest."""
    seconds = micros // MICROS_PER_SECOND
    local = dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(
        dt.timezone(dt.timedelta(hours=8))
    )
    return local.isoformat()


def day_range(first: dt.date, count: int) -> list[dt.date]:
    """`count` consecutive dates from `first`."""
    return [first + dt.timedelta(days=i) for i in range(count)]
