"""The wheel holds the product only and leaves a platform's Spark and Delta alone; local
runs get them from an extra, and the lab's tools from a package of their own."""

import importlib
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
LAB = tomllib.loads((REPO / "lab" / "pyproject.toml").read_text(encoding="utf-8"))
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
    assert "pip install -q -e '.[local,test]' -e ./lab" in setup


def test_the_product_wheel_holds_scout_spark_only_and_the_lab_is_its_own_package() -> None:
    found = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    assert found == {"where": ["src"], "include": ["scout_spark*"]}
    packages = {p.name for p in (REPO / "src").iterdir() if (p / "__init__.py").is_file()}
    assert packages == {"scout_spark"}
    dev_tools = {"bench", "sample", "services"}
    assert not dev_tools & {p.name for p in (REPO / "src" / "scout_spark").iterdir()}
    assert dev_tools <= {p.name for p in (REPO / "lab" / "src" / "scout_lab").iterdir()}
    assert "scout-lakehouse" in LAB["project"]["dependencies"]


def test_every_console_script_resolves() -> None:
    for script, target in {**PROJECT["scripts"], **LAB["project"]["scripts"]}.items():
        module, _, attr = target.partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), script
