"""Shared by the table lock tests: the lock under test and a lake on each backend."""

import dataclasses
from pathlib import Path

import pytest

from scout_spark.config import Config

LOCK = "gold"
BACKENDS = ["local", pytest.param("s3", marks=pytest.mark.s3)]


def config_on(
    request: pytest.FixtureRequest, test_config: Config, tmp_path: Path, backend: str, **lake: int
) -> Config:
    """The test config with its lake under tmp_path (local) or in a fresh bucket (s3)."""
    if backend == "s3":
        root = f"s3a://{request.getfixturevalue('s3_bucket')}/lake/"
    else:
        root = (tmp_path / "lake").as_uri() + "/"
    return dataclasses.replace(
        test_config, lake=dataclasses.replace(test_config.lake, root=root, **lake)
    )
