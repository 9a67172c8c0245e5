"""How the report formats and escapes values."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scout_spark.report.text import (
    Html,
    count_text,
    duration_text,
    esc,
    percent_text,
    size_text,
    time_text,
)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "\u2013"),
        (0.25, "250 ms"),
        (42.04, "42.0 s"),
        (150, "2.5 min"),
        (3 * 3600, "3.0 h"),
    ],
)
def test_duration_text_picks_a_readable_unit(seconds: float | None, expected: str) -> None:
    assert duration_text(seconds) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(None, "\u2013"), (512, "512 B"), (2048, "2.0 KB"), (5 * 1024**3, "5.0 GB")],
)
def test_size_text_uses_binary_units(size: int | None, expected: str) -> None:
    assert size_text(size) == expected


def test_count_and_percent_text() -> None:
    assert count_text(1234567) == "1,234,567"
    assert count_text(None) == "\u2013"
    assert percent_text(0.875) == "87.5%"


def test_time_text_is_utc() -> None:
    manila = timezone(timedelta(hours=8))
    assert time_text(datetime(2026, 3, 1, 8, 30, tzinfo=manila)) == "2026-03-01 00:30 UTC"
    assert time_text(datetime(2026, 3, 1, 0, 30, tzinfo=UTC)) == "2026-03-01 00:30 UTC"


def test_esc_escapes_text_but_not_markup_built_from_escaped_parts() -> None:
    assert esc('<b a="1">&') == "&lt;b a=&quot;1&quot;&gt;&amp;"
    assert esc(Html("<b>x</b>")) == "<b>x</b>"
