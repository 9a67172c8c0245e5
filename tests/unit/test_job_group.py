"""Spark jobs carry the step they ran in (the benchmark's job profile reads it)."""

from pyspark.sql import SparkSession

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
