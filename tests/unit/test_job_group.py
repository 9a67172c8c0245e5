"""Spark jobs carry the step they ran in (the benchmark's job profile reads it)."""

import threading

from pyspark.sql import SparkSession

from scout_spark.parallel import for_each
from scout_spark.runtime.jvm import JOB_GROUP, job_group


def test_jobs_in_the_block_carry_the_group_and_the_previous_one_comes_back(
    spark: SparkSession,
) -> None:
    context = spark.sparkContext
    tracker = context.statusTracker()
    with job_group(spark, "outer-step"):
        with job_group(spark, "inner-step"):
            spark.range(3).count()
        assert context.getLocalProperty(JOB_GROUP) == "outer-step"
        spark.range(5).count()
    assert context.getLocalProperty(JOB_GROUP) is None

    assert tracker.getJobIdsForGroup("inner-step")
    assert tracker.getJobIdsForGroup("outer-step")
    assert not set(tracker.getJobIdsForGroup("inner-step")) & set(
        tracker.getJobIdsForGroup("outer-step")
    )


def test_jobs_started_from_worker_threads_keep_the_callers_group(spark: SparkSession) -> None:
    tracker = spark.sparkContext.statusTracker()
    with job_group(spark, "threaded-step"):
        counts = for_each(lambda n: spark.range(n).count(), [1, 2, 3, 4])

    assert counts == [1, 2, 3, 4]
    assert len(tracker.getJobIdsForGroup("threaded-step")) >= 4


def test_worker_threads_keep_settings_of_their_own(spark: SparkSession) -> None:
    """One worker's step never shows in another's: each thread's Spark local properties are
    its own (concurrent queries keep their SQL execution ids there too)."""
    context = spark.sparkContext
    both_set, both_read = threading.Barrier(2), threading.Barrier(2)

    def step(name: str) -> str | None:
        with job_group(spark, name):
            both_set.wait(timeout=60)
            seen = context.getLocalProperty(JOB_GROUP)
            both_read.wait(timeout=60)
        return seen

    with job_group(spark, "caller"):
        assert for_each(step, ["a", "b"]) == ["a", "b"]
        assert context.getLocalProperty(JOB_GROUP) == "caller"
