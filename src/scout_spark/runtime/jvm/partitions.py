"""Publish's binary blobs straight from the executors as raw bytes (classic only).

A classic driver can read a partition's values straight off the JVM's socket, without
pickling; a Connect client cannot, and streams them with toLocalIterator instead
(publish/binary_copy.py). pyspark.core is imported inside the functions: a Connect
client (pyspark-client) has none, and this module must still import there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any

from pyspark.sql import DataFrame

from scout_spark.runtime.jvm.driver import is_connect
from scout_spark.runtime.jvm.steps import in_this_step


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
