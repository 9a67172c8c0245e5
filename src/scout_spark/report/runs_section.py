"""The report's overview tiles and run history: latest status per stage, durations, runs."""

from collections import defaultdict

from scout_spark.report.html_parts import (
    Cell,
    badge,
    color_for,
    figure,
    heading,
    paragraph,
    section,
    stage_sort_key,
    table,
)
from scout_spark.report.model import ReportData, StageRun
from scout_spark.report.svg import Point, Series, line_chart
from scout_spark.report.text import (
    Html,
    count_text,
    duration_text,
    esc,
    percent_text,
    shorten,
    time_text,
)

MAX_RUN_ROWS = 50
MAX_PART_ROWS = 60


def _newest_first(runs: list[StageRun]) -> list[StageRun]:
    return sorted(runs, key=lambda r: (r.started_at.timestamp(), r.stage), reverse=True)


def latest_per_stage(runs: tuple[StageRun, ...]) -> dict[str, StageRun]:
    """The newest top-level run of each stage, in pipeline order."""
    latest: dict[str, StageRun] = {}
    for run in sorted(runs, key=lambda r: r.started_at.timestamp()):
        if not run.is_part:
            latest[run.stage] = run
    return {stage: latest[stage] for stage in sorted(latest, key=stage_sort_key)}


def _tile(label: str, value: str, kind: str = "") -> str:
    return (
        f'<div class="tile {esc(kind)}"><div class="tile-value">{esc(value)}</div>'
        f'<div class="tile-label">{esc(label)}</div></div>'
    )


def overview_section(data: ReportData) -> Html:
    """Headline numbers, then one card per stage with its latest run."""
    top = [r for r in data.runs if not r.is_part]
    failed = sum(r.status == "failed" for r in top)
    alerts = "no results" if data.monitors is None else str(len(data.monitors.alerts))
    tiles = [
        _tile(f"stage runs, last {data.days} days", f"{len(top):,}"),
        _tile("failed runs", f"{failed:,}", "bad" if failed else "ok"),
        _tile("Delta tables", f"{len(data.tables):,}"),
        _tile("rows in the lake", count_text(sum(t.rows for t in data.tables))),
        _tile("monitors in alert", alerts, "bad" if alerts not in ("0", "no results") else ""),
    ]
    cards = [
        f'<div class="card"><div class="card-title">{esc(stage)}</div>{badge(run.status)}'
        f'<div class="card-line">{esc(time_text(run.started_at))}</div>'
        f'<div class="card-line">{esc(duration_text(run.duration_seconds))}, '
        f"{esc(count_text(run.records_written))} written</div></div>"
        for stage, run in latest_per_stage(data.runs).items()
    ]
    body = [f'<div class="tiles">{"".join(tiles)}</div>']
    if cards:
        body += [heading("Latest run per stage"), f'<div class="cards">{"".join(cards)}</div>']
    return section("overview", "Overview", *body)


def duration_series(runs: tuple[StageRun, ...]) -> list[Series]:
    """One series per top-level stage: duration of each finished run over time."""
    by_stage: dict[str, list[Point]] = defaultdict(list)
    for run in runs:
        if not run.is_part and run.duration_seconds is not None:
            by_stage[run.stage].append(
                Point(
                    run.started_at,
                    run.duration_seconds,
                    is_failed=run.status == "failed",
                    note=f"{run.status}, {run.run_id}",
                )
            )
    stages = sorted(by_stage, key=stage_sort_key)
    return [Series(s, color_for(s, i), tuple(by_stage[s])) for i, s in enumerate(stages)]


def _status_cell(run: StageRun) -> Html:
    if not run.error_message:
        return badge(run.status)
    error = esc(shorten(run.error_message, 240))
    return Html(f'{badge(run.status)}<div class="error">{error}</div>')


def _run_row(run: StageRun) -> list[Cell]:
    return [
        time_text(run.started_at),
        run.stage,
        _status_cell(run),
        duration_text(run.duration_seconds),
        count_text(run.records_read),
        count_text(run.records_written),
        count_text(run.records_quarantined),
        percent_text(run.data_quality_score),
        run.run_id,
    ]


_RUN_HEADERS = (
    "started", "stage", "status", "duration", "read", "written", "quarantined", "quality", "run id",
)  # fmt: skip
_NUMERIC = (3, 4, 5, 6, 7)


def run_history_section(data: ReportData) -> Html:
    """Duration chart per stage, then the stage runs and their per-part rows, newest first."""
    if not data.runs:
        note = f"No runs recorded in the run ledger in the last {data.days} days."
        return section("runs", "Run history", paragraph(note, "empty"))
    series = duration_series(data.runs)
    longest = max((p.value for s in series for p in s.points), default=0.0)
    chart = line_chart(
        series,
        title="Duration per stage over runs",
        y_text=duration_text,
        y_unit=1.0 if longest < 120 else 60.0 if longest < 7200 else 3600.0,
    )
    top = _newest_first([r for r in data.runs if not r.is_part])
    parts = _newest_first([r for r in data.runs if r.is_part])
    body = [
        figure(
            chart, "Duration of each stage run (failed runs in red); hover a point for details."
        ),
        heading(f"Stage runs ({len(top):,}; newest {min(len(top), MAX_RUN_ROWS)} shown)"),
        table(_RUN_HEADERS, [_run_row(r) for r in top[:MAX_RUN_ROWS]], numeric=_NUMERIC),
    ]
    if parts:
        body += [
            heading(f"Per-part rows ({len(parts):,}; newest {min(len(parts), MAX_PART_ROWS)})"),
            table(
                _RUN_HEADERS,
                [_run_row(r) for r in parts[:MAX_PART_ROWS]],
                numeric=_NUMERIC,
            ),
        ]
    return section("runs", "Run history", *body)
