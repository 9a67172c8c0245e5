"""Small HTML building blocks of the report: tables, status badges, sections, colours."""

from collections.abc import Sequence

from scout_spark.report.text import Html, esc

PIPELINE_ORDER = (
    "doctor", "bronze", "silver", "gold", "platinum", "publish", "monitor", "report", "rollback",
)  # fmt: skip
LAYER_COLORS = {
    "bronze": "#a0522d",
    "silver": "#64748b",
    "gold": "#c99700",
    "platinum": "#2563eb",
}
_STAGE_COLORS = {
    **LAYER_COLORS,
    "publish": "#7c3aed",
    "monitor": "#059669",
    "doctor": "#0d9488",
    "report": "#db2777",
}
_PALETTE = ("#0891b2", "#ea580c", "#4d7c0f", "#9333ea", "#be123c", "#0f766e", "#a16207")
STATUS_CLASSES = {"succeeded": "ok", "failed": "bad", "skipped": "muted", "running": "info"}

Cell = str | Html | int | float | None


def color_for(name: str, index: int = 0) -> str:
    """A stage's or layer's own colour; other names take a palette colour by index."""
    return _STAGE_COLORS.get(name, _PALETTE[index % len(_PALETTE)])


def stage_sort_key(stage: str) -> tuple[int, str]:
    """Pipeline order first (bronze before silver ...), then by name."""
    head = stage.split(".", 1)[0]
    position = PIPELINE_ORDER.index(head) if head in PIPELINE_ORDER else len(PIPELINE_ORDER)
    return position, stage


def badge(status: str) -> Html:
    """A coloured status label (succeeded, failed, skipped, running, ok, alert)."""
    kind = {"ok": "ok", "alert": "bad"}.get(status, STATUS_CLASSES.get(status, "muted"))
    return Html(f'<span class="badge {kind}">{esc(status)}</span>')


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, numeric: Sequence[int] = ()
) -> Html:
    """A table; plain cells are escaped, Html cells inserted; `numeric` columns align right."""
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{esc("" if c is None else c)}</td>'
            if i in numeric
            else f"<td>{esc('' if c is None else c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return Html(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def section(anchor: str, title: str, *content: str) -> Html:
    """One titled section of the page."""
    return Html(f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{"".join(content)}</section>')


def paragraph(text: str, css_class: str = "") -> Html:
    """A paragraph of escaped text."""
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return Html(f"<p{attr}>{esc(text)}</p>")


def heading(text: str) -> Html:
    return Html(f"<h3>{esc(text)}</h3>")


def figure(chart: str, caption: str) -> Html:
    """A chart with its caption; nothing when there is no chart."""
    if not chart:
        return Html("")
    return Html(f"<figure>{chart}<figcaption>{esc(caption)}</figcaption></figure>")
