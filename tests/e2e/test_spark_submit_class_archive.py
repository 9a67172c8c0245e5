"""scripts/spark-submit: a run with no class archive yet (class data sharing) leaves one
that the next run maps, as setup's class_archive_job does; a failed run leaves none."""

import os
import subprocess
from pathlib import Path

import pytest

from scout_lab import class_archive_job
from scout_lab.bench import empty_job

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _submit(
    env: dict[str, str], *args: str, job: str = empty_job.__file__
) -> subprocess.CompletedProcess[str]:
    """The job from the archives' folder's parent: a JVM that crashes writes its report there."""
    command = [str(ROOT / "scripts" / "spark-submit"), job, "--env", "local", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, **env},
        check=False, cwd=Path(env["SCOUT_CLASS_ARCHIVES"]).parent,
    )  # fmt: skip


def test_the_first_run_leaves_an_archive_that_the_next_run_maps(tmp_path: Path) -> None:
    archives = tmp_path / "jvm"
    env = {"SCOUT_CLASS_ARCHIVES": str(archives)}

    failed = _submit(env, "--set", "spark.master=nonsense")
    assert failed.returncode != 0
    assert list(archives.iterdir()) == []  # a failed run's archive is not kept

    first = _submit(env, job=class_archive_job.__file__)  # as scripts/setup.sh runs it
    assert first.returncode == 0, first.stderr[-3000:]
    made = list(archives.iterdir())
    assert len(made) == 1 and made[0].name.endswith(".jsa"), made
    where = subprocess.run(
        [str(ROOT / "scripts" / "spark-submit"), "--class-archive"],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    )  # fmt: skip
    assert where.stdout.strip() == str(made[0])

    # -Xshare:on: a JVM that cannot map its archive (another class path, a broken file)
    # does not start at all, where the default just runs without it.
    second = _submit({**env, "JAVA_TOOL_OPTIONS": "-Xshare:on"})
    assert second.returncode == 0, second.stderr[-3000:]
    assert list(archives.iterdir()) == made
    # The negative: a truncated archive crashes the JVM that maps it (SIGBUS, -Xshare:on
    # or not), which is why a dump is kept only once a JVM has started with it.
    made[0].write_bytes(made[0].read_bytes()[: 1 << 20])
    broken = _submit({**env, "JAVA_TOOL_OPTIONS": "-Xshare:on"})
    assert broken.returncode != 0
