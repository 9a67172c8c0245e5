"""The publish benchmark reports the classic path and the Connect path side by side."""

import sys
from pathlib import Path

import pytest

from scout_lab.bench.publish_throughput import CONNECT_ON_CLASSIC, ConnectPublisher, main, summary
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


# A stand-in client: `ready`, then per input line a progress line and the seconds as JSON;
# given a number N, the round after the Nth writes an error instead and exits 3.
FAKE_CLIENT = """
import json, sys
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else None
print("ready", flush=True)
for n, line in enumerate(sys.stdin, 1):
    if rounds is not None and n > rounds:
        print("boom: the server went away", file=sys.stderr)
        raise SystemExit(3)
    print("  publish t: 10 rows copied", flush=True)
    print(json.dumps([n, n / 2, 0.25]), flush=True)
"""


def test_connect_publisher_keeps_one_client_for_every_round(tmp_path: Path) -> None:
    publisher = ConnectPublisher([sys.executable, "-c", FAKE_CLIENT], tmp_path / "c.log", "sc://x")
    try:
        assert publisher() == (1, 0.5, 0.25)
        assert publisher() == (2, 1.0, 0.25)  # the same process: its second round
    finally:
        publisher.close()
    assert publisher.process.returncode == 0


def test_connect_publisher_names_the_clients_last_error(tmp_path: Path) -> None:
    command = [sys.executable, "-c", FAKE_CLIENT, "1"]
    publisher = ConnectPublisher(command, tmp_path / "c.log", "sc://x")
    assert publisher() == (1, 0.5, 0.25)

    with pytest.raises(RuntimeError, match="sc://x exited 3: boom: the server went away"):
        publisher()


def test_report_gives_each_sessions_first_publish_apart() -> None:
    rounds = [{**r, "first_publish_s": 9.5, "connect_first_publish_s": 8.25} for r in ROUNDS]
    machine = dict.fromkeys(MACHINE_KEYS, "-")
    publish = summary(rounds)

    report = render({"started_at": "t", "machine": machine, "publish": publish})

    assert publish["publish_s"] == 5.0  # the first publishes stay out of the medians
    assert "first publish of each session (warm-up, not in the medians): classic 9.50 s," in report
    assert "Connect path 8.25 s" in report
