"""Parsing of the time-travel options every job accepts."""

import argparse
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scout_spark.cli.args import base_parser


def _parse(*argv: str) -> argparse.Namespace:
    return base_parser("gold", "test").parse_args(list(argv))


def test_as_of_options_parse_table_versions_and_instants() -> None:
    args = _parse(
        "--as-of-version", "silver/transactions=12", "--as-of-version", "silver/items=3",
        "--as-of-timestamp", "2026-11-25T08:00:00+08:00",
    )  # fmt: skip
    assert args.as_of_version == [("silver/transactions", 12), ("silver/items", 3)]
    assert args.as_of_timestamp == datetime(2026, 11, 25, 8, tzinfo=timezone(timedelta(hours=8)))
    assert _parse("--as-of-timestamp", "2026-11-25 00:30").as_of_timestamp == datetime(
        2026, 11, 25, 0, 30, tzinfo=UTC
    )
    assert _parse().as_of_version == [] and _parse().as_of_timestamp is None


@pytest.mark.parametrize(
    "argv",
    [
        ("--as-of-version", "12"),
        ("--as-of-version", "silver/transactions=x"),
        ("--as-of-version", "=3"),
        ("--as-of-timestamp", "yesterday"),
    ],
)
def test_as_of_options_reject_malformed_values(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        _parse(*argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "expected TABLE=VERSION" in err or "is not a timestamp" in err
