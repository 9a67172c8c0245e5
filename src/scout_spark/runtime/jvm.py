"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

import subprocess

from pyspark.sql import SparkSession


def is_connect(spark: SparkSession) -> bool:
    """True for a Spark Connect client session (no JVM in this process)."""
    return type(spark).__module__.startswith("pyspark.sql.connect")


def driver_memory_setting(spark: SparkSession) -> str | None:
    """spark.driver.memory as the running driver was started with; None: not set."""
    if is_connect(spark):
        return None  # the driver is on the server: its conf is not ours to read
    return spark.sparkContext.getConf().get("spark.driver.memory", None)


def driver_heap_mib(spark: SparkSession) -> int | None:
    """The driver JVM's maximum heap in MiB (Runtime.maxMemory); None without a local JVM."""
    if is_connect(spark):
        return None
    runtime = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()  # type: ignore[attr-defined]
    return int(runtime.maxMemory()) // (1024 * 1024)


def jvm_exit_code(spark: SparkSession, wait_seconds: float = 5.0) -> int | None:
    """The exit code of the driver JVM this process launched, once it exits; else None.

    Under spark-submit the JVM launched this process instead: it is never ours to wait for.
    """
    if is_connect(spark):
        return None
    gateway = getattr(spark.sparkContext, "_gateway", None)
    proc = getattr(gateway, "proc", None)
    if proc is None:
        return None
    try:
        return proc.wait(timeout=wait_seconds)
    except subprocess.TimeoutExpired:
        return None
