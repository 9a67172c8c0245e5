"""Generator options: parsing, validation, and the command line's exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scout_lab.sample import FAULTS, SampleConfig
from scout_lab.sample.cli import main
from scout_lab.sample.config import parse_faults, parse_formats


@pytest.mark.parametrize(
    "text,expected",
    [
        ("csv", {"transactions": "csv", "items": "csv", "customers": "csv", "stores": "csv"}),
        (
            "transactions=jsonl, items=AVRO",
            {"transactions": "jsonl", "items": "avro", "customers": "parquet", "stores": "parquet"},
        ),
        (
            "stores=delta",
            {
                "transactions": "parquet",
                "items": "parquet",
                "customers": "parquet",
                "stores": "delta",
            },
        ),
    ],
)
def test_parse_formats_names_every_dataset(text: str, expected: dict[str, str]) -> None:
    assert parse_formats(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("sales=csv", "bad --format entry 'sales=csv'"),
        ("transactions:csv", r"unknown format\(s\) \['transactions:csv'\]"),
        ("items=orc", r"unknown format\(s\) \['orc'\]"),
    ],
)
def test_parse_formats_rejects_unknown_entries(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_formats(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("none", frozenset()),
        ("", frozenset()),
        ("all", frozenset(FAULTS)),
        (" correction , tz_midnight", frozenset({"correction", "tz_midnight"})),
    ],
)
def test_parse_faults_accepts_all_none_and_lists(text: str, expected: frozenset[str]) -> None:
    assert parse_faults(text) == expected


def test_parse_faults_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match=r"unknown fault\(s\) \['typo'\]"):
        parse_faults("correction,typo")


@pytest.mark.parametrize(
    "options,message",
    [
        ({"days": 0}, "days must be >= 1"),
        ({"layout": "flat"}, "layout must be one of"),
        ({"formats": {"transactions": "orc"}}, "formats must name exactly"),
        ({"faults": frozenset({"nope"})}, "unknown fault"),
        ({"start_date": dt.date(2014, 6, 1)}, "start_date must be after"),
    ],
)
def test_sample_config_rejects_bad_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SampleConfig(dest="/tmp/x", **options)


def test_main_writes_data_and_manifest(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dest = tmp_path / "landing"
    args = [
        "--dest",
        str(dest),
        "--days",
        "2",
        "--transactions-per-day",
        "20",
        "--stores",
        "5",
        "--customers",
        "30",
        "--format",
        "transactions=csv,items=jsonl",
    ]
    assert main(args) == 0
    manifest = json.loads((dest / "_manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"]["transactions"] == 40
    assert (dest / "transactions/2024/01/02/data.csv").is_file()
    assert (dest / "items/2024/01/02/data.jsonl").is_file()
    assert "wrote" in capsys.readouterr().out


def test_main_overwrites_only_an_earlier_sample_output(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    args = ["--dest", str(tmp_path), "--days", "1", "--transactions-per-day", "5"]
    assert main(args) == 2
    assert "is not empty" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 2
    assert "holds no _manifest.json" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").exists()
    (tmp_path / "keep.txt").unlink()
    assert main(args) == 0
    assert main([*args, "--seed", "2", "--overwrite"]) == 0
    manifest = json.loads((tmp_path / "_manifest.json").read_text(encoding="utf-8"))
    assert manifest["params"]["seed"] == 2


def test_main_reports_bad_options_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--dest", str(tmp_path), "--faults", "bogus"]) == 2
    assert "unknown fault(s) ['bogus']" in capsys.readouterr().err


def test_main_s3_destination_needs_credentials_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    args = ["--dest", "s3://bucket/prefix", "--s3-endpoint", "http://127.0.0.1:1"]
    assert main(args) == 2
    assert "AWS_ACCESS_KEY_ID" in capsys.readouterr().err
