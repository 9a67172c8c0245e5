"""The benchmark's figures as one markdown report."""

from collections.abc import Iterable, Sequence
from typing import Any

# Limits the product promises (issue 9): (figure, goal text, holds?)
GOALS = {
    "incremental": ("one new day, large vs small lake", "<= 1.3", lambda r: r <= 1.3),
    "noop": ("no new data vs an empty Spark job (medians)", "<= 1.5", lambda r: r <= 1.5),
    "silver_merge": ("silver MERGE 1% vs rewrite", "<= 0.25", lambda r: r <= 0.25),
    "publish": ("publish vs psql \\copy (rows/s)", ">= 0.8", lambda r: r >= 0.8),
    "connect_publish": ("publish, Connect path vs classic (s)", "<= 1.1", lambda r: r <= 1.1),
}


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: int = 1) -> list[str]:
    """A markdown table; columns from `right` on are right-aligned."""
    align = ["---" if i < right else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _n(value: float) -> str:
    """Seconds: two decimals below 100."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def _machine(m: dict[str, Any]) -> list[str]:
    return [
        "## Machine",
        "",
        f"{m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['os']}; Spark "
        f"{m['spark']} ({m['spark_master']}, driver memory {m['driver_memory']}), Delta "
        f"{m['delta_spark']}, Java {m['java']}, Python {m['python']}, Postgres "
        f"{m['postgres']}, DuckDB {m['duckdb']}, pgpq {m['pgpq']}.",
    ]


def _pipeline(runs: list[dict[str, Any]], driver_memory: str) -> list[str]:
    rows, profiles = [], []
    for run in runs:
        size = f"{run['transactions']:,}"
        for s in run["stages"]:
            rows.append((size, s["stage"], _n(s["seconds"]), f"{s['rows_read']:,}",
                         _rate(s["rows_per_s"]), f"{s['peak_rss_mib']:,}",
                         f"{s['peak_heap_mib']:,}", s["spark_jobs"]))  # fmt: skip
            profiles += [
                (size, s["stage"], f"`{c['site']}`", c["jobs"], _n(c["seconds"]))
                for c in s["costliest"]
            ]
        rows.append((size, "**total**", _n(run["total_s"]), f"{run['source_rows']:,} source",
                     _rate(run["rows_per_s"]), f"{run['peak_rss_mib']:,}",
                     f"{max(s['peak_heap_mib'] for s in run['stages']):,}",
                     sum(s["spark_jobs"] for s in run["stages"])))  # fmt: skip
    header = ("transactions", "stage", "seconds", "rows read", "rows/s", "peak RSS MiB",
              "peak heap MiB", "Spark jobs")  # fmt: skip
    return [
        "## 1. Whole pipeline, bronze to publish (one spark-submit, driver memory "
        f"{driver_memory})",
        "",
        *_table(header, rows, right=2),
        "",
        "Costliest Spark jobs per stage, by the Python line that started them:",
        "",
        *_table(("transactions", "stage", "call site", "jobs", "seconds"), profiles, right=3),
    ]


def _incremental(inc: dict[str, Any]) -> list[str]:
    stages = [s["stage"] for s in inc["runs"][0]["stages"]]
    rows = [
        (r["lake_days"], *(_n(s["seconds"]) for s in r["stages"]), _n(r["total_s"]))
        for r in inc["runs"]
    ]
    per_day = inc["runs"][0]["per_day"]
    small, large = (r["lake_days"] for r in inc["runs"])
    return [
        f"## 2. One new day ({per_day:,} transactions) on a {small}- and a {large}-day lake,"
        " seconds per stage",
        "",
        *_table(("lake days", *stages, "total"), rows, right=0),
        "",
        _goal("incremental", inc["ratio"]),
    ]


def _noop(noop: dict[str, Any]) -> list[str]:
    rounds = noop.get("rounds", [])
    rows = [
        ("run_pipeline with no new data (bronze to publish)", _n(noop["pipeline_no_new_data_s"]),
         ", ".join(_n(p) for p, _ in rounds)),
        ("empty Spark job (same session set-up, one action)", _n(noop["empty_spark_job_s"]),
         ", ".join(_n(e) for _, e in rounds)),
    ]  # fmt: skip
    return [
        "## 3. No new data vs an empty Spark job (spark-submit, JVM start included)",
        "",
        *_table(("run", "seconds (median)", "rounds, alternating"), rows),
        "",
        _goal("noop", noop["ratio"]),
    ]


def _merge(runs: list[dict[str, Any]]) -> list[str]:
    rows, goals = [], []
    for m in runs:
        size = f"{m['transactions']:,}"
        merged, rewritten = m["merge"], m["rewrite"]
        merge_rows = merged["rows_updated"] + merged["rows_inserted"] + merged["rows_copied"]
        rows.append((size, "MERGE", _n(merged["seconds"]), merged["files_removed"],
                     merged["files_added"], merged["deletion_vectors_added"],
                     f"{merge_rows:,}"))  # fmt: skip
        rows.append((size, "rewrite", _n(rewritten["seconds"]), rewritten["files_removed"],
                     rewritten["files_added"], 0, f"{rewritten['rows_written']:,}"))  # fmt: skip
        goals.append(
            f"{size} transactions: {m['changed_rows']:,} changed rows "
            f"({m['changed_rows'] / max(m['rows'], 1):.1%} of {m['rows']:,}, latest "
            f"{m['correction_days']} days; {m['files_before']} files before); same result: "
            f"{m['same_result']}; " + _goal("silver_merge", m["ratio"])
        )
    header = ("transactions", "method", "seconds", "files removed", "files added",
              "deletion vectors added", "rows written")  # fmt: skip
    return [
        "## 4. Silver MERGE of a 1% correction set vs rewriting the table",
        "",
        *_table(header, rows, right=2),
        "",
        *(f"- {line}" for line in goals),
    ]


def _publish(p: dict[str, Any]) -> list[str]:
    rows = [
        (label, f"{p['rows']:,}", _n(p[key]), _rate(p["rows"] / p[key]))
        for label, key in (
            ("publish stage, end to end", "publish_s"),
            ("publish load path (COPY, log, commit)", "load_s"),
            (f"Connect path, end to end ({p['connect_via']})", "connect_publish_s"),
            ("Connect path, load path", "connect_load_s"),
            ("psql \\copy of the same rows (CSV)", "psql_s"),
        )
    ]
    return [
        f"## 5. Publish vs psql \\copy (median of {p['rounds']} rounds)",
        "",
        *_table(("method", "rows", "seconds", "rows/s"), rows),
        "",
        _goal("publish", p["ratio"]) + f" (load path alone: {p['ratio_load_path']:.2f})",
        _goal("connect_publish", p["connect_vs_classic"])
        + f" (load path alone: {p['connect_vs_classic_load']:.2f})",
        *_first_publish(p),
    ]


def _first_publish(p: dict[str, Any]) -> list[str]:
    """The warm-up publish of each session, left out of the medians (JIT, Python workers)."""
    if "first_publish_s" not in p:
        return []
    return [
        f"- first publish of each session (warm-up, not in the medians): classic"
        f" {_n(p['first_publish_s'])} s, Connect path {_n(p['connect_first_publish_s'])} s"
    ]


def _peers(p: dict[str, Any]) -> list[str]:
    rows = [("ours: bronze + silver + gold", _n(p["ours_s"]), "1.00", "-")]
    for name, label in (("duckdb", "DuckDB from the source files"),
                        ("naive_pyspark", "naive PySpark full rebuild")):  # fmt: skip
        peer = p[name]
        matches = "yes" if peer["matches_gold"] else "NO: " + "; ".join(peer["mismatches"][:3])
        rows.append((label, _n(peer["seconds"]), f"{peer['ratio_to_ours']:.2f}", matches))
    return [
        f"## 6. Gold daily aggregates from {p['source_rows']:,} source rows",
        "",
        *_table(("engine", "seconds", "time vs ours", "same aggregates as gold"), rows),
    ]


def _goal(key: str, ratio: float) -> str:
    label, goal, holds = GOALS[key]
    return f"ratio {label}: {ratio:.2f}, goal {goal}: {'met' if holds(ratio) else 'NOT met'}"


def render(results: dict[str, Any]) -> str:
    """Markdown of every section present in `results`."""
    lines = [f"# Scout Lakehouse benchmark, {results['started_at']}", ""]
    if "load_average_at_end" in results:
        load = ", ".join(str(n) for n in results["load_average_at_end"])
        lines += [f"Load average at the end: {load} (other work on the machine skews figures).", ""]
    parts = [_machine(results["machine"])]
    driver_memory = results.get("plan", {}).get("driver_memory", "1g")
    sections = {"pipeline": lambda runs: _pipeline(runs, driver_memory),
                "incremental": _incremental, "noop": _noop,
                "silver_merge": _merge, "publish": _publish, "peers": _peers}  # fmt: skip
    for key, part in sections.items():
        if key in results:
            parts.append(part(results[key]))
    for part in parts:
        lines += [*part, ""]
    return "\n".join(lines).rstrip() + "\n"
