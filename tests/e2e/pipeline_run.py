"""Helpers of the end-to-end tests (no tests here): a pipeline run's options and result."""

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scout_lab.small_runs import SMALL_RUN_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ("bronze", "silver", "gold", "platinum", "publish", "monitor")


@dataclass(frozen=True)
class PipelineRun:
    """A run_pipeline over the e2e landing: its lake, its Postgres schema, its job options
    (`--env local --set ...` pointing at both) and what the job printed."""

    lake: Path
    schema: str
    options: list[str]
    result: subprocess.CompletedProcess[str]

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr


def run_options(landing: Path, lake: Path, schema: str) -> list[str]:
    """A job's options pointing it at `landing`, `lake` and `schema`, with the settings of
    small runs (scout_lab/small_runs.py)."""
    settings = [f"source.root={landing}/", f"lake.root={lake}/", f"postgres.schema={schema}",
                *SMALL_RUN_SETTINGS]  # fmt: skip
    return ["--env", "local", *[item for s in settings for item in ("--set", s)]]


def run(
    args: list[str], env: dict[str, str], timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """A command with the services' environment, its output captured."""
    return subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env={**os.environ, **env},
        check=False, cwd=ROOT,
    )  # fmt: skip


def assert_every_stage_succeeded(output: str, stages: tuple[str, ...] = PIPELINE) -> None:
    """run_pipeline printed each stage's progress line and its success, and no traceback."""
    for number, stage in enumerate(stages, start=1):
        assert f"scout run_pipeline: [{number}/{len(stages)}] {stage}" in output, output[-3000:]
        assert f"scout {stage}: succeeded in " in output, output[-3000:]
    assert f"scout run_pipeline: {len(stages)} stages in" in output
    assert "Traceback" not in output


@contextmanager
def started(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`args` running in the background, stdout and stderr to `log`; killed if left running."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **env}, start_new_session=True,
        )  # fmt: skip
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
