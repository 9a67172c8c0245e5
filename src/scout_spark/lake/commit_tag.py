"""Every Delta commit a stage makes carries its run id (commitInfo.userMetadata).

That is how a rollback finds all the commits of a run, including the bookkeeping tables
(file state, checkpoints) that no ledger row lists, and those of a run that failed midway.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.sql import SparkSession

USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata"
TAG_PREFIX = "scout-run:"


def run_tag(run_id: str) -> str:
    """The userMetadata written on every commit of stage run `run_id`."""
    return f"{TAG_PREFIX}{run_id}"


@contextmanager
def tagged_commits(spark: SparkSession, run_id: str) -> Iterator[None]:
    """Tag the session's Delta commits with `run_id` while the block runs."""
    spark.conf.set(USER_METADATA, run_tag(run_id))
    try:
        yield
    finally:
        spark.conf.unset(USER_METADATA)
