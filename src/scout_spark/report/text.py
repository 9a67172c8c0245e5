"""Escaping and formatting of every value the report prints (numbers, durations, times)."""

import html
from datetime import UTC, datetime

MISSING = "\u2013"  # an en dash where a value is unknown


class Html(str):
    """A fragment of markup built by this package from escaped parts: inserted as is."""


def esc(value: object) -> Html:
    """Text made safe for element content and quoted attribute values."""
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def count_text(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def number_text(value: float | None) -> str:
    """Whole numbers with thousands separators, others with two decimals."""
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def percent_text(score: float | None) -> str:
    """A 0..1 score as a percentage with one decimal."""
    return MISSING if score is None else f"{score * 100:.1f}%"


def duration_text(seconds: float | None) -> str:
    """Seconds as ms, s, min or h, whichever reads best."""
    if seconds is None:
        return MISSING
    if 0 < seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def size_text(size_bytes: int | None) -> str:
    """Bytes in B, KB, MB, GB or TB (powers of 1024)."""
    if size_bytes is None:
        return MISSING
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def time_text(at: datetime) -> str:
    """An instant in UTC, to the minute."""
    return as_utc(at).strftime("%Y-%m-%d %H:%M UTC")


def as_utc(at: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the session time zone)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
