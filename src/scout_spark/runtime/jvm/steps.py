"""Steps: which stage or step each Spark job belongs to (the job group, or Connect tags)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import ParamSpec, TypeVar

from pyspark.sql import SparkSession

from scout_spark.runtime.jvm.driver import is_connect

JOB_GROUP = "spark.jobGroup.id"
P = ParamSpec("P")
R = TypeVar("R")


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
    """`fn`, which another thread will run, in this thread's step: its job group (classic)
    or tags (Connect), set by each call in its own thread.

    Not pyspark's inheritable_thread_target: it hands every thread one shared
    java.util.Properties, so one worker's settings (its job group, a query's SQL execution
    id) show in the others' while they run.
    """
    # A pinned py4j thread (a side thread of a stage) has no active session of its own:
    # fall back to the process's session, whose properties this thread carries.
    session = SparkSession.getActiveSession() or SparkSession._instantiatedSession
    if session is None:
        return fn
    if is_connect(session):
        steps = sorted(session.getTags())
    else:
        group = session.sparkContext.getLocalProperty(JOB_GROUP)
        steps = [group] if group else []

    @functools.wraps(fn)
    def in_step(*args: P.args, **kwargs: P.kwargs) -> R:
        with ExitStack() as stack:
            for name in steps:
                stack.enter_context(job_group(session, name))
            return fn(*args, **kwargs)

    return in_step
