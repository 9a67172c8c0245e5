"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, ParamSpec, TypeVar

from pyspark.sql import DataFrame, SparkSession

JOB_GROUP = "spark.jobGroup.id"
P = ParamSpec("P")
R = TypeVar("R")


def is_connect(spark: SparkSession) -> bool:
    """True for a Spark Connect client session (no JVM in this process)."""
    return type(spark).__module__.startswith("pyspark.sql.connect")


# --- Steps: which stage or step each Spark job belongs to ----------------------------


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


# --- Publish: binary blobs from the executors as raw bytes (classic only) -----------------
# A classic driver can read a partition's values straight off the JVM's socket, without
# pickling; a Connect client cannot, and streams them with toLocalIterator instead
# (publish/binary_copy.py). pyspark.core is imported inside the functions: a Connect
# client (pyspark-client) has none, and this module must still import there.


def default_parallelism(spark: SparkSession) -> int | None:
    """The SparkContext's default parallelism; None over Connect (the server decides)."""
    if is_connect(spark):
        return None
    return int(spark.sparkContext.defaultParallelism)


def binary_partitions(df: DataFrame, depth: int) -> Iterator[bytes]:
    """The values of `df`'s one binary column, partition after partition, as raw bytes;
    up to `depth` partitions computed at once. Classic sessions only.

    The physical plan (file splits included) is made when this is called, not when the
    first value is read, so session settings around the call apply to it.
    """
    from pyspark.core.rdd import RDD
    from pyspark.serializers import NoOpSerializer

    spark = df.sparkSession
    if is_connect(spark):
        raise ValueError("binary_partitions needs a classic session, not Spark Connect")
    binary = spark._jvm.org.apache.spark.sql.Encoders.BINARY()  # type: ignore[union-attr]
    java_rdd = getattr(df._jdf, "as")(binary).toJavaRDD()
    return _partitions_ahead(RDD(java_rdd, spark.sparkContext, NoOpSerializer()), depth)


def _partitions_ahead(rdd: Any, depth: int) -> Iterator[bytes]:
    """The elements of `rdd` in partition order, computing up to `depth` partitions at once."""
    from pyspark.core.rdd import _load_from_socket
    from pyspark.serializers import NoOpSerializer

    sc = rdd.context

    def fetch(index: int) -> list[bytes]:
        sock = sc._jvm.PythonRDD.runJob(sc._jsc.sc(), rdd._jrdd, [index])
        with _load_from_socket(sock, NoOpSerializer()) as stream:
            return list(stream)

    fetch = in_this_step(fetch)
    indices = iter(range(rdd.getNumPartitions()))
    with ThreadPoolExecutor(depth, thread_name_prefix="publish-fetch") as pool:
        pending = deque(pool.submit(fetch, i) for i in islice(indices, depth))
        while pending:
            blobs = pending.popleft().result()
            for index in islice(indices, 1):
                pending.append(pool.submit(fetch, index))
            yield from blobs
