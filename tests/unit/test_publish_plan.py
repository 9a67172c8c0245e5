"""Publish planning and migration bookkeeping, without Spark or Postgres."""

import dataclasses
from datetime import date, timedelta

import pytest

from scout_spark.config.model import PostgresConfig
from scout_spark.publish.connection import safe_message
from scout_spark.publish.migrate import MigrationError, Script, load_scripts, pending_scripts
from scout_spark.publish.plan import Window
from scout_spark.publish.tables import PUBLISH_TABLES, window_start

V1 = Script("V001__a", True, "create table a ();")
V2 = Script("V002__b", True, "create table b ();")
R = Script("R__grants", False, "grant ...;")
PG = PostgresConfig(
    "127.0.0.1", 5432, "scout", "scout", "SCOUT_PG_PASSWORD", "disable", "scout", 1000, 5
)


@pytest.mark.parametrize(
    ("applied", "expected"),
    [
        ({}, ["V001__a", "V002__b", "R__grants"]),
        ({"V001__a": V1.checksum}, ["V002__b", "R__grants"]),
        ({"V001__a": V1.checksum, "V002__b": V2.checksum, "R__grants": R.checksum}, []),
        ({"V001__a": V1.checksum, "V002__b": V2.checksum, "R__grants": "old"}, ["R__grants"]),
    ],
)
def test_pending_scripts_runs_new_versions_and_changed_repeatables(
    applied: dict, expected: list
) -> None:
    assert [s.name for s in pending_scripts([V1, V2, R], applied)] == expected


def test_pending_scripts_refuses_an_edited_applied_migration() -> None:
    with pytest.raises(MigrationError, match="V001__a changed after it was applied"):
        pending_scripts([V1, V2, R], {"V001__a": "something else"})


def test_load_scripts_orders_versions_then_repeatables() -> None:
    names = [s.name for s in load_scripts()]

    assert names == sorted(n for n in names if n.startswith("V")) + sorted(
        n for n in names if n.startswith("R")
    )
    assert names[0] == "V001__dashboard_tables"


def test_window_start_keeps_the_90_dates_after_d_minus_90() -> None:
    d = date(2026, 6, 30)

    assert window_start(d, 90) == d - timedelta(days=89)
    assert window_start(d, 7) == d - timedelta(days=6)
    assert window_start(None, 90) is None


@pytest.mark.parametrize(
    ("now", "before", "entering", "has_moved"),
    [
        (date(2026, 3, 5), date(2026, 3, 5), [], False),
        (date(2026, 3, 6), date(2026, 3, 5), [], True),
        (date(2026, 3, 3), date(2026, 3, 5), [date(2026, 3, 3), date(2026, 3, 4)], True),
        (date(2026, 3, 3), None, [], True),
    ],
)
def test_window_knows_dates_entering_it(
    now: date, before: date | None, entering: list, has_moved: bool
) -> None:
    window = Window(now, before)

    assert window.entering == entering
    assert window.has_moved is has_moved


def test_publish_tables_slice_or_key_every_contract_table() -> None:
    assert len({t.pg_table for t in PUBLISH_TABLES}) == 8
    for table in PUBLISH_TABLES:
        assert table.columns[: len(table.keys)] == table.keys
        assert table.slice_column is None or table.slice_column in table.columns
    assert [t.pg_table for t in PUBLISH_TABLES if t.is_windowed] == [
        "scout_gold_transactions",
        "scout_gold_transaction_items",
    ]


def test_safe_message_redacts_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_TEST_PG_PASSWORD", "s3cret-value")
    pg = dataclasses.replace(PG, password_env="SCOUT_TEST_PG_PASSWORD")

    message = safe_message(RuntimeError("FATAL: bad login s3cret-value\nsecond line"), pg)

    assert message == "FATAL: bad login ***"
