"""The run report as one self-contained HTML page: inline CSS and SVG, no scripts, no fetches."""

import re

from scout_spark.report.lake_sections import (
    monitors_section,
    quality_section,
    quarantine_section,
    rows_section,
)
from scout_spark.report.model import ReportData
from scout_spark.report.runs_section import overview_section, run_history_section
from scout_spark.report.text import esc, time_text

# The page may load nothing at all: only its own inline styles and data: images.
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827;
  font: 14px/1.45 system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
header { background: #1e293b; color: #f8fafc; padding: 22px 32px 18px; }
header h1 { margin: 0 0 6px; font-size: 24px; font-weight: 650; }
header .meta { color: #cbd5e1; font-size: 13px; }
header .meta span { margin-right: 18px; }
nav { background: #334155; padding: 8px 32px; }
nav a { color: #e2e8f0; margin-right: 18px; text-decoration: none; font-size: 13px; }
main { max-width: 1200px; margin: 0 auto; padding: 18px 24px 40px; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px;
  padding: 16px 22px 20px; margin: 18px 0; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
h2 { margin: 0 0 12px; font-size: 18px; color: #0f172a; }
h3 { margin: 18px 0 8px; font-size: 14px; color: #334155; }
figure { margin: 8px 0 14px; overflow-x: auto; }
figcaption { color: #6b7280; font-size: 12px; margin-top: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; background: #f8fafc; color: #475569; font-weight: 600;
  border-bottom: 2px solid #e2e8f0; padding: 6px 8px; }
td { border-bottom: 1px solid #f1f5f9; padding: 5px 8px; vertical-align: top;
  overflow-wrap: anywhere; }
tbody tr:nth-child(even) td { background: #fafafa; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 600; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.badge.info { background: #dbeafe; color: #1e40af; }
.badge.muted { background: #e5e7eb; color: #374151; }
.error { color: #991b1b; font-size: 12px; margin-top: 3px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; }
.tile { flex: 1 1 170px; background: #f8fafc; border: 1px solid #e2e8f0; border-radius: 8px;
  padding: 12px 14px; border-top: 4px solid #64748b; }
.tile.ok { border-top-color: #16a34a; }
.tile.bad { border-top-color: #dc2626; }
.tile-value { font-size: 24px; font-weight: 700; }
.tile-label { color: #64748b; font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 0 1 200px; border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 12px; }
.card-title { font-weight: 650; margin-bottom: 4px; }
.card-line { color: #475569; font-size: 12px; }
p.empty { color: #6b7280; font-style: italic; }
p.good { color: #166534; font-weight: 600; }
footer { color: #6b7280; font-size: 12px; max-width: 1200px; margin: 0 auto 30px;
  padding: 0 24px; }
"""

_USERINFO = re.compile(r"(?<=//)[^/@]*@")
_NAV = (
    ("overview", "Overview"),
    ("runs", "Run history"),
    ("rows", "Rows per layer"),
    ("quality", "Quality trend"),
    ("quarantine", "Quarantine reasons"),
    ("monitors", "Monitors in alert"),
)


def shown_root(root: str) -> str:
    """The lake root without any user:password@ part a URI might carry."""
    return _USERINFO.sub("", root)


def render_report(data: ReportData) -> str:
    """The whole page for `data`; every text from the data is escaped."""
    title = f"Scout Lakehouse run report - {data.env}"
    meta = (
        f"<span>env <b>{esc(data.env)}</b></span>"
        f"<span>pipeline {esc(data.pipeline_name)}</span>"
        f"<span>lake {esc(shown_root(data.lake_root))}</span>"
        f"<span>generated {esc(time_text(data.generated_at))}</span>"
        f"<span>history: last {data.days} days</span>"
    )
    nav = "".join(f'<a href="#{anchor}">{esc(label)}</a>' for anchor, label in _NAV)
    sections = (
        overview_section(data),
        run_history_section(data),
        rows_section(data),
        quality_section(data),
        quarantine_section(data),
        monitors_section(data),
    )
    notes = "".join(f"<p>{esc(note)}</p>" for note in data.notes)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_POLICY)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><div class="meta">{meta}</div></header>'
        f"<nav>{nav}</nav><main>{''.join(sections)}</main>"
        f"<footer>{notes}</footer></body></html>\n"
    )
