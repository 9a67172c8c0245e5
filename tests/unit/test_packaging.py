"""The wheel leaves a platform's Spark and Delta alone; local runs get them from an extra."""

import importlib
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PLATFORM_OWNED = ("pyspark", "delta-spark", "databricks-connect")


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match[0].lower().replace("_", "-")


def test_wheel_dependencies_name_no_platform_spark_or_delta() -> None:
    names = {_name(r) for r in PROJECT["dependencies"]}

    assert not names & set(PLATFORM_OWNED)


def test_local_extra_pins_spark_and_delta_and_setup_installs_it() -> None:
    local = {_name(r): r for r in PROJECT["optional-dependencies"]["local"]}
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")

    assert local == {"pyspark": "pyspark==4.2.0", "delta-spark": "delta-spark==4.4.0"}
    assert "pip install -q -e '.[local,test]'" in setup


def test_every_console_script_resolves() -> None:
    for script, target in PROJECT["scripts"].items():
        module, _, attr = target.partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), script
