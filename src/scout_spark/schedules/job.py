"""What every platform runs: the job file, its arguments, the wheel; and the no-jar guard.

Platforms provide Delta and the S3 connector themselves, so a rendered definition never
names a jar: the job runs with `--set spark.jars=none` and nothing may carry Maven
coordinates, `--packages` or `spark.jars.packages`.
"""

import re
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from scout_spark.errors import ScoutError
from scout_spark.schedules.model import Pipeline

JOB_FILE = "jobs/run_pipeline.py"
DIST_NAME = "scout-lakehouse"
# group:artifact:version, the form --packages and Maven libraries take.
_COORDINATE = re.compile(r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:\d[A-Za-z0-9_.-]*$")
_FORBIDDEN = ("--packages", "--jars", "spark.jars.packages", "spark.jars.repositories")


class JarCoordinatesError(ScoutError):
    """A rendered definition would make the platform download jars."""


def job_arguments(pipeline: Pipeline) -> list[str]:
    """run_pipeline's arguments: env, no jars (the platform has them), the pipeline's name."""
    return [
        "--env", pipeline.env, "--set", "spark.jars=none",
        "--set", f"pipeline_name={pipeline.name}", *pipeline.args,
    ]  # fmt: skip


def wheel_name() -> str:
    """File name of this project's wheel, as `pip wheel .` builds it into dist/."""
    try:
        release = version(DIST_NAME)
    except PackageNotFoundError:  # pragma: no cover - the package is always installed
        raise ScoutError(f"{DIST_NAME} is not installed: pip install -e .") from None
    return f"{DIST_NAME.replace('-', '_')}-{release}-py3-none-any.whl"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), f"{path}.{key}"
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, f"{path}[{n}]")
    elif isinstance(value, str):
        yield value, path


def check_no_jar_coordinates(payload: Any, what: str) -> None:
    """Raise JarCoordinatesError if any key or string in payload asks for jars to download."""
    for text, path in _strings(payload, what):
        for token in re.split(r"[\s=,\"'\[\]{}]+", text):
            if _COORDINATE.match(token) or token in _FORBIDDEN or token == "maven":
                raise JarCoordinatesError(
                    f"{path}: '{token}' would fetch jars; the platform provides Delta and S3"
                )
