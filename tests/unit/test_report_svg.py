"""The report's inline SVG charts: bar widths proportional, points placed, labels escaped."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from scout_spark.report.svg import (
    FAILED_COLOR,
    Bar,
    Point,
    Series,
    axis_ticks,
    bar_chart,
    line_chart,
)

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def bar_widths(svg: str) -> dict[float, float]:
    """data-value -> drawn width of every bar."""
    bars = re.findall(r'<rect class="bar"[^>]* width="([\d.]+)"[^>]* data-value="([\d.]+)"', svg)
    return {float(value): float(width) for width, value in bars}


def test_bar_chart_widths_are_proportional_to_values() -> None:
    svg = bar_chart(
        [Bar("a", 400), Bar("b", 100), Bar("c", 250), Bar("d", 0)],
        title="rows",
        width=1000,
        label_width=260,
    )

    widths = bar_widths(svg)

    assert set(widths) == {400.0, 100.0, 250.0, 0.0}
    assert widths[400.0] == pytest.approx(1000 - 260 - 120)  # the largest fills the plot
    assert widths[100.0] / widths[400.0] == pytest.approx(0.25, abs=1e-3)
    assert widths[250.0] / widths[400.0] == pytest.approx(0.625, abs=1e-3)
    assert widths[0.0] == 0


def test_bar_chart_prints_values_and_escapes_labels() -> None:
    svg = bar_chart([Bar("<script>alert(1)</script>", 1234567)], title='a "title" & more')

    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "1,234,567" in svg
    assert 'aria-label="a &quot;title&quot; &amp; more"' in svg


def test_bar_chart_of_nothing_is_empty() -> None:
    assert bar_chart([], title="rows") == ""


def point_positions(svg: str) -> list[tuple[float, float, str]]:
    found = re.findall(
        r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="([^"]+)"', svg
    )
    return [(float(x), float(y), fill) for x, y, fill in found]


def test_line_chart_places_points_by_time_and_value() -> None:
    series = Series(
        "silver",
        "#111111",
        (
            Point(T0, 0.0),
            Point(T0 + timedelta(hours=2), 50.0),
            Point(T0 + timedelta(hours=4), 100.0, is_failed=True),
        ),
    )

    svg = line_chart([series], title="durations", width=1000, height=300)

    (x1, y1, fill1), (x2, y2, _), (x3, y3, fill3) = point_positions(svg)
    assert x1 < x2 < x3 and x2 - x1 == pytest.approx(x3 - x2, abs=0.2)
    assert y1 > y2 > y3 and y1 - y2 == pytest.approx(y2 - y3, abs=0.2)
    assert fill1 == "#111111" and fill3 == FAILED_COLOR
    assert svg.count('<polyline class="line"') == 1


def test_line_chart_draws_one_line_per_series_with_a_legend() -> None:
    a = Series("bronze", "#aa0000", (Point(T0, 1.0), Point(T0 + timedelta(days=1), 2.0)))
    b = Series("gold <x>", "#00aa00", (Point(T0, 3.0),))

    svg = line_chart([a, b], title="t")

    assert svg.count('<polyline class="line"') == 1  # a single point draws no line
    assert svg.count('<circle class="point"') == 3
    assert ">bronze<" in svg and "gold &lt;x&gt;" in svg


def test_line_chart_of_no_points_is_empty() -> None:
    assert line_chart([Series("s", "#000", ())], title="t") == ""


@pytest.mark.parametrize(
    ("low", "high", "unit", "expected"),
    [
        (0, 100, 1, [0, 25, 50, 75, 100]),
        (0, 7, 1, [0, 2, 4, 6, 8]),
        (0, 3040, 60, [0, 1200, 2400, 3600]),  # seconds, ticks every 20 minutes
        (0.4, 1.0, 1, [0.4, 0.6, 0.8, 1.0]),
        (0, 0, 1, [0, 1]),
    ],
)
def test_axis_ticks_are_round_and_cover_the_range(
    low: float, high: float, unit: float, expected: list[float]
) -> None:
    assert axis_ticks(low, high, unit=unit) == pytest.approx(expected)


def test_line_chart_labels_round_ticks_in_the_given_unit() -> None:
    series = Series("s", "#000", (Point(T0, 0.0), Point(T0 + timedelta(hours=1), 3040.0)))

    svg = line_chart([series], title="t", y_text=lambda v: f"{v / 60:g}m", y_unit=60)

    labels = re.findall(r'text-anchor="end" [^>]*>([\d.]+m)</text>', svg)
    assert labels == ["0m", "20m", "40m", "60m"]
