"""The publish benchmark reports the classic path and the Connect path side by side."""

from scout_lab.bench.publish_throughput import CONNECT_ON_CLASSIC, main, summary
from scout_lab.bench.render import render

ROUNDS = [
    {"rows": 1000, "publish_s": 4.0, "load_s": 2.0, "commit_s": 0.5, "psql_s": 3.0,
     "connect_publish_s": 4.2, "connect_load_s": 2.6, "connect_commit_s": 0.5},
    {"rows": 1000, "publish_s": 6.0, "load_s": 3.0, "commit_s": 0.5, "psql_s": 3.0,
     "connect_publish_s": 7.0, "connect_load_s": 3.0, "connect_commit_s": 0.5},
]  # fmt: skip


MACHINE_KEYS = ("cores", "cpu", "memory_gib", "os", "spark", "spark_master", "driver_memory",
                "delta_spark", "java", "python", "postgres", "duckdb", "pgpq")  # fmt: skip


def test_summary_gives_both_paths_and_their_ratio() -> None:
    figures = summary(ROUNDS)

    assert (figures["publish_s"], figures["connect_publish_s"]) == (5.0, 5.6)
    assert (figures["load_s"], figures["connect_load_s"]) == (2.5, 2.8)
    assert figures["connect_vs_classic"] == round(5.6 / 5.0, 2)
    assert figures["connect_vs_classic_load"] == round(2.8 / 2.5, 2)
    assert figures["connect_via"] == CONNECT_ON_CLASSIC


def test_report_names_where_the_connect_path_ran() -> None:
    machine = dict.fromkeys(MACHINE_KEYS, "-")
    publish = summary(ROUNDS, "Spark Connect at sc://127.0.0.1:15002")
    results = {"started_at": "t", "machine": machine, "publish": publish}

    report = render(results)

    assert (
        "| Connect path, end to end (Spark Connect at sc://127.0.0.1:15002) | 1,000 | 5.60 |"
        in report
    )
    assert "ratio publish, Connect path vs classic (s): 1.12, goal <= 1.1: NOT met" in report


def test_cli_offers_a_remote(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["--help"])
    except SystemExit as stop:
        assert stop.code == 0
    assert "--remote" in capsys.readouterr().out
