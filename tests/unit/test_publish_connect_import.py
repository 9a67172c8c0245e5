"""The publish imports on a pure Spark Connect client, which has no `pyspark.core`."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
# pyspark-client (the Connect-only wheel) has no pyspark.core: refusing it here makes this
# interpreter one (pyspark.util.is_remote_only() then says so).
CONNECT_CLIENT = """
import sys

class RefuseCore:
    def find_spec(self, name, path=None, target=None):
        if name == "pyspark.core" or name.startswith("pyspark.core."):
            raise ImportError(f"{name}: not on a Spark Connect client")
        return None

sys.meta_path.insert(0, RefuseCore())
from pyspark.util import is_remote_only
assert is_remote_only(), "pyspark.core was importable: the block did not take"
import scout_spark.publish.publish
import scout_spark.runtime.jvm
print(sorted(m for m in sys.modules if m.startswith("pyspark.core")))
"""


def test_publish_imports_without_pyspark_core() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }

    result = subprocess.run(
        [sys.executable, "-c", CONNECT_CLIENT],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]
    assert result.stdout.strip() == "[]"
