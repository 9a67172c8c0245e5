"""The report's lake sections: rows per layer, quality trend, quarantine reasons, monitors."""

import math
from collections import defaultdict

from scout_spark.report.html_parts import (
    LAYER_COLORS,
    badge,
    color_for,
    figure,
    heading,
    paragraph,
    section,
    stage_sort_key,
    table,
)
from scout_spark.report.model import QualityPoint, ReportData
from scout_spark.report.svg import Bar, Point, Series, bar_chart, line_chart
from scout_spark.report.text import (
    Html,
    count_text,
    number_text,
    percent_text,
    size_text,
    time_text,
)

QUARANTINE_COLOR = "#dc2626"


def rows_section(data: ReportData) -> Html:
    """Rows per layer and per table (bars), then each table's version, rows, files, size."""
    if not data.tables:
        return section(
            "rows", "Rows per layer", paragraph("No Delta tables in the lake yet.", "empty")
        )
    totals: dict[str, int] = defaultdict(int)
    for t in data.tables:
        totals[t.layer] += t.rows
    layers = sorted(totals, key=stage_sort_key)
    layer_bars = [Bar(layer, totals[layer], LAYER_COLORS.get(layer, "#4c78a8")) for layer in layers]
    table_bars = [Bar(t.name, t.rows, LAYER_COLORS.get(t.layer, "#4c78a8")) for t in data.tables]
    rows = [
        [t.layer, t.name, count_text(t.version), count_text(t.rows), count_text(t.files),
         size_text(t.size_bytes)]
        for t in data.tables
    ]  # fmt: skip
    return section(
        "rows",
        "Rows per layer",
        figure(bar_chart(layer_bars, title="Rows per layer"), "Current rows per layer."),
        figure(bar_chart(table_bars, title="Rows per table"), "Current rows per Delta table."),
        table(("layer", "table", "version", "rows", "files", "size"), rows, numeric=(2, 3, 4, 5)),
    )


def quality_series(points: tuple[QualityPoint, ...]) -> list[Series]:
    """One line for silver as a whole and one per dataset part, in time order."""
    by_series: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        by_series[p.series].append(Point(p.started_at, p.score, note=p.run_id))
    names = sorted(by_series, key=lambda n: (n != "silver", n))
    return [
        Series(n, "#111827" if n == "silver" else color_for(n, i), tuple(by_series[n]))
        for i, n in enumerate(names)
    ]


def quality_section(data: ReportData) -> Html:
    """The data quality score of each silver run over time (overall and per dataset)."""
    if not data.quality:
        note = f"No silver run reported a data quality score in the last {data.days} days."
        return section("quality", "Quality score trend", paragraph(note, "empty"))
    lowest = min(p.score for p in data.quality)
    floor = max(0.0, math.floor((lowest - 0.05) * 10) / 10)
    chart = line_chart(
        quality_series(data.quality),
        title="Data quality score per silver run",
        y_text=percent_text,
        y_min=floor,
        y_max=1.0,
    )
    overall = sorted(
        (p for p in data.quality if p.series == "silver"), key=lambda p: p.started_at.timestamp()
    )
    latest = (
        paragraph(
            f"Latest silver run: {percent_text(overall[-1].score)} clean rows "
            f"({time_text(overall[-1].started_at)}, run {overall[-1].run_id})."
        )
        if overall
        else Html("")
    )
    caption = "Share of rows passing every rule, per silver run" + (
        "; the axis does not start at 0%." if floor > 0 else "."
    )
    return section("quality", "Quality score trend", latest, figure(chart, caption))


def quarantine_section(data: ReportData) -> Html:
    """The rules that quarantined the most rows (bars and a table)."""
    title = "Top quarantine reasons"
    if not data.quarantine:
        note = f"No rows quarantined in the last {data.days} days."
        return section("quarantine", title, paragraph(note, "empty"))
    bars = [Bar(f"{q.dataset}: {q.rule}", q.rows, QUARANTINE_COLOR) for q in data.quarantine]
    rows = [[q.dataset, q.rule, count_text(q.rows)] for q in data.quarantine]
    return section(
        "quarantine",
        title,
        figure(
            bar_chart(bars, title=title, label_width=320),
            f"Quarantined rows per failed rule, last {data.days} days "
            "(a row failing two rules counts for both).",
        ),
        table(("dataset", "rule", "rows"), rows, numeric=(2,)),
    )


def monitors_section(data: ReportData) -> Html:
    """The monitors in alert in the latest check of platinum/run_monitors."""
    title = "Monitors in alert"
    check = data.monitors
    if check is None:
        return section("monitors", title, paragraph("No monitor results yet.", "empty"))
    counts = ", ".join(f"{status} {n:,}" for status, n in sorted(check.status_counts.items()))
    intro = paragraph(
        f"Latest check {check.run_id} at {time_text(check.checked_at)}: {counts or 'no rows'}."
    )
    if not check.alerts:
        return section("monitors", title, intro, paragraph("No monitor in alert.", "good"))
    rows = [
        [a.monitor, a.subject, badge("alert"), number_text(a.observed), number_text(a.expected),
         a.detail or ""]
        for a in check.alerts
    ]  # fmt: skip
    return section(
        "monitors",
        title,
        intro,
        heading(f"{len(check.alerts):,} in alert"),
        table(
            ("monitor", "subject", "status", "observed", "expected", "detail"), rows, numeric=(3, 4)
        ),
    )
