"""The Connect path's own qualify/uri_of give what Hadoop's Path gives (checked on classic)."""

import pytest
from pyspark.sql import SparkSession

from scout_spark.runtime import connect_fs
from scout_spark.runtime.jvm import JvmFs

PATHS = (
    "file:/tmp/landing/dt=2026-01-01/x.csv",
    "file:///tmp/landing/a b/é f.csv",
    "file:/tmp/landing/100%/x#1?.csv",
    "/tmp/landing//nested/",
    "s3a://bucket/landing/a b/[x].csv",
    "s3a://bucket/",
    "abfss://box@acct.dfs.core.windows.net/l/ä\tb.json",
)


@pytest.mark.parametrize("path", PATHS)
def test_matches_hadoop(spark: SparkSession, path: str) -> None:
    hadoop = JvmFs(spark, "file:/")
    if path.startswith(("file:", "/")):  # the local FileSystem qualifies only its own paths
        assert connect_fs.qualify(path) == hadoop.qualify(path)
        path = hadoop.qualify(path)
    assert connect_fs.uri_of(path) == hadoop.uri_of(path)
