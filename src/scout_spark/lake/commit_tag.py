"""Every Delta commit a stage makes carries its run id (commitInfo.userMetadata).

That is how a rollback finds all the commits of a run, including the bookkeeping tables
(file state, checkpoints) that no ledger row lists, and those of a run that failed midway.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.sql import SparkSession

USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata"
TAG_PREFIX = "scout-run:"
UNDOES = " undoes:"  # a rollback's restore commits also name the run they undo


def run_tag(run_id: str) -> str:
    """The userMetadata written on every commit of stage run `run_id`."""
    return f"{TAG_PREFIX}{run_id}"


def undo_tag(run_id: str, undone_run: str) -> str:
    """The userMetadata of rollback run `run_id`'s restore commits undoing `undone_run`."""
    return f"{run_tag(run_id)}{UNDOES}{undone_run}"


def tag_parts(tag: str | None) -> tuple[str | None, str | None]:
    """(the run tag, the run it undoes or None) of a commit's userMetadata."""
    if tag is None:
        return None, None
    own, sep, undone = tag.partition(UNDOES)
    return own, (undone if sep else None)


@contextmanager
def tagged_commits(spark: SparkSession, run_id: str) -> Iterator[None]:
    """Tag the session's Delta commits with `run_id` while the block runs."""
    spark.conf.set(USER_METADATA, run_tag(run_id))
    try:
        yield
    finally:
        spark.conf.unset(USER_METADATA)


@contextmanager
def undo_commits(spark: SparkSession, run_id: str, undone_run: str) -> Iterator[None]:
    """Tag the block's commits as rollback `run_id` undoing `undone_run`, then as before."""
    before = spark.conf.get(USER_METADATA, None)
    spark.conf.set(USER_METADATA, undo_tag(run_id, undone_run))
    try:
        yield
    finally:
        if before is None:
            spark.conf.unset(USER_METADATA)
        else:
            spark.conf.set(USER_METADATA, before)
