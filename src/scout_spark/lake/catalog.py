"""The Delta tables under the lake root, found by their _delta_log folders."""

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.runtime.filesystem import open_fs

# <layer>/<table> and <layer>/_state/<table> (bronze file state); _ops holds the ledger too.
TABLE_GLOBS = ("*/*/_delta_log", "*/*/*/_delta_log")


def lake_tables(spark: SparkSession, config: Config) -> dict[str, str]:
    """Table name relative to the lake root (e.g. "silver/transactions") -> its path."""
    root = config.lake.root.rstrip("/")
    fs = open_fs(spark, root + "/", config.s3)
    prefix = fs.qualify(root).rstrip("/") + "/"
    tables: dict[str, str] = {}
    for pattern in TABLE_GLOBS:
        for entry in fs.glob(f"{root}/{pattern}"):
            folder = entry.path.rsplit("/", 1)[0]
            name = folder[len(prefix) :] if folder.startswith(prefix) else folder
            tables[name] = config.lake_path(*name.split("/"))
    return dict(sorted(tables.items()))
