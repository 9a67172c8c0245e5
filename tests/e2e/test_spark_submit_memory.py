"""scripts/spark-submit's driver JVM: the configured memory, the jars on its class path."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_spark_submit_starts_the_driver_with_the_configured_memory(
    services_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            str(ROOT / "scripts" / "spark-submit"), str(ROOT / "tests/e2e/driver_memory_probe.py"),
            "--env", "local", "--set", f"lake.root={tmp_path}/lake/",
            "--set", f"source.root={tmp_path}/landing/", "--set", "spark.driver_memory=700m",
        ],
        capture_output=True, text=True, timeout=300, env={**os.environ, **services_env},
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-2000:]
    found = re.search(r"spark\.driver\.memory=(\S+) heap_mib=(\d+)", output)
    assert found, output[-2000:]
    assert found.group(1) == "700m"
    # Runtime.maxMemory is -Xmx less what the collector keeps back: near 700, never above.
    assert 600 <= int(found.group(2)) <= 700
    assert "cannot take effect" not in output
    # The jars are on the class path: none copied per run (670 MB a killed run left in /tmp).
    copied = re.search(r"copied_jars=(\d+)", output)
    assert copied and copied.group(1) == "0", output[-2000:]
    # A batch larger than the heap, persisted on disk in one task, is read back whole.
    assert "disk_persisted_rows=1500000" in output, output[-2000:]
