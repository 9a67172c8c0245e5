"""Whether a folder holds a file older than a moment, through Spark's `binaryFile` source.

The DataFrame API alone, so the same on a classic session and a Spark Connect client: the
source lists on the driver (the server), filters on modification time as it lists, never
reads a file's content, and only one path at most leaves it.
"""

from collections.abc import Sequence
from datetime import datetime

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.runtime.connect_fs import file_listing, glob_literal, is_path_not_found


def any_file_before(
    spark: SparkSession, folder: str, cutoff: datetime, also: Sequence[str] = ()
) -> bool:
    """True when a file under `folder` was last modified before `cutoff`. Names starting
    with `_` or `.` are not looked into (Spark's file sources skip them), except the folders
    `also` names right below `folder`; a folder that does not exist holds none."""
    # Two paths: Spark probes a single one for a streaming sink's metadata (a warning and a
    # stack trace in its log when that is missing); the glob adds the `also` folders there are.
    literal = glob_literal(folder.rstrip("/"))
    paths = [literal, literal + "{" + "".join(f",/{name}" for name in also) + "}"]
    try:
        older = file_listing(spark).load(paths).where(F.col("modificationTime") < F.lit(cutoff))
        return bool(older.select("path").limit(1).collect())
    except AnalysisException as exc:
        if is_path_not_found(exc):
            return False
        raise
