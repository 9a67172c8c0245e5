"""The JVM, py4j and RDD internals are named in runtime/jvm/ only (Spark Connect has none)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADAPTER = REPO / "src" / "scout_spark" / "runtime" / "jvm"
JVM_NAMES = re.compile(
    r"sparkContext|\b_jvm\b|\b_jsc\b|\b_jdf\b|\b_jsparkSession\b|pyspark\.core|\bRDD\b|\.rdd\b"
)
# Serverless refuses persist/cache: every stage caches through runtime/jvm/'s helpers.
CACHING = re.compile(r"\.persist\(|\.cache\(\)|\.unpersist\(")


def _offenders(names: re.Pattern[str] = JVM_NAMES) -> list[str]:
    found = []
    files = [*(REPO / "src").rglob("*.py"), *(REPO / "jobs").rglob("*.py")]
    for path in sorted(files):
        if ADAPTER in path.parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if names.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    return found


def test_only_the_adapter_names_the_jvm() -> None:
    assert _offenders() == []


def test_caching_goes_through_the_adapter() -> None:
    assert _offenders(CACHING) == []


def test_the_guard_sees_each_name() -> None:
    for line in (
        "spark.sparkContext.setLogLevel('WARN')",
        "jvm = sc._jvm",
        "conf = sc._jsc.hadoopConfiguration()",
        "df._jdf.schema()",
        "DeltaLog.forTable(spark._jsparkSession, path)",
        "from pyspark.core.rdd import _load_from_socket",
        "from pyspark.rdd import RDD",
        "rows = df.rdd.map(f)",
    ):
        assert JVM_NAMES.search(line), line
