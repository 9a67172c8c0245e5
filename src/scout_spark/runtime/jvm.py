"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from pyspark.sql import SparkSession

JOB_GROUP = "spark.jobGroup.id"
P = ParamSpec("P")
R = TypeVar("R")


def is_connect(spark: SparkSession) -> bool:
    """True for a Spark Connect client session (no JVM in this process)."""
    return type(spark).__module__.startswith("pyspark.sql.connect")


@contextmanager
def job_group(spark: SparkSession, name: str) -> Iterator[None]:
    """Spark jobs this thread starts in the block carry `name`: the Spark UI, the event
    log and the benchmark's job profile say which step each job belongs to."""
    if is_connect(spark):
        spark.addTag(name)
        try:
            yield
        finally:
            spark.removeTag(name)
        return
    context = spark.sparkContext
    previous = context.getLocalProperty(JOB_GROUP)
    context.setLocalProperty(JOB_GROUP, name)
    try:
        yield
    finally:
        context.setLocalProperty(JOB_GROUP, previous)  # type: ignore[arg-type]


def in_this_step(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, which another thread will run, with this thread's job group (classic) or tags
    (Connect): pinned py4j threads start without the caller's local properties."""
    from pyspark.util import inheritable_thread_target

    session = SparkSession.getActiveSession()
    if session is None:
        return fn
    return inheritable_thread_target(session)(fn)  # type: ignore[no-any-return]
