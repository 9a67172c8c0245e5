"""The classic driver: its settings, its heap, its log level, Delta's classes in it."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession

from scout_spark.errors import SetupError, error_line

DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension"
DELTA_NOT_CONFIGURED = "DELTA_CONFIGURE_SPARK_SESSION_WITH_EXTENSION_AND_CATALOG"
NO_DELTA = (
    "Delta Lake is not available in this Spark session: run through scripts/spark-submit "
    "(adds the cached jars), pass --jars $(scout-jars), or use a platform or Spark Connect "
    "server that provides Delta (spark.sql.extensions=" + DELTA_EXTENSION + ")"
)


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


def set_log_level(spark: SparkSession, level: str) -> None:
    """The driver's log level; a Connect server keeps its own (set where it runs)."""
    if not is_connect(spark):
        spark.sparkContext.setLogLevel(level)


def check_delta(spark: SparkSession) -> None:
    """SetupError (one line) unless the session can use Delta.

    Classic: Delta's extension class loads in the driver. Connect: the server names Delta's
    extension, or it answers a Delta-only statement (DESCRIBE HISTORY of a path that is no
    table) with a Delta error; a server without Delta fails it otherwise.
    """
    if not is_connect(spark):
        if not _class_loads(spark, DELTA_EXTENSION):
            raise SetupError(NO_DELTA)
        return
    try:
        if DELTA_EXTENSION in (spark.conf.get("spark.sql.extensions", "") or ""):
            return
        with _quiet_query_errors():
            spark.sql("DESCRIBE HISTORY delta.`/scout-delta-probe-absent`").collect()
    except AnalysisException as exc:  # parse errors included
        condition = exc.getCondition() or ""
        if condition.startswith("DELTA_") and condition != DELTA_NOT_CONFIGURED:
            return
        raise SetupError(NO_DELTA) from None
    except Exception as exc:  # unreachable server, refused session, ...
        raise SetupError(f"the Spark Connect server failed: {error_line(exc)}") from None


@contextmanager
def _quiet_query_errors() -> Iterator[None]:
    """pyspark logs an expected analysis error of a probe at ERROR on stderr: not here."""
    names = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")
    loggers = [logging.getLogger(name) for name in names]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, was in zip(loggers, saved, strict=True):
            logger.disabled = was


def _class_loads(spark: SparkSession, name: str) -> bool:
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    try:
        jvm.java.lang.Class.forName(name, False, jvm.Thread.currentThread().getContextClassLoader())
    except Exception:
        return False
    return True


def classes_missing(spark: SparkSession, classes: dict[str, str]) -> list[str]:
    """Labels of the classes the classic driver cannot load (doctor's jar check)."""
    return [label for label, name in classes.items() if not _class_loads(spark, name)]


def java_version(spark: SparkSession) -> str:
    """The driver JVM's version; under Connect the server's is not visible to a client."""
    if is_connect(spark):
        return "server-side (Spark Connect)"
    return str(spark.sparkContext._jvm.System.getProperty("java.version"))  # type: ignore[attr-defined]


def master(spark: SparkSession) -> str:
    """The classic master URL, or the Connect server's address under Connect."""
    if is_connect(spark):
        return "connect"
    return str(spark.sparkContext.master)


def default_parallelism(spark: SparkSession) -> int | None:
    """The SparkContext's default parallelism; None over Connect (the server decides)."""
    if is_connect(spark):
        return None
    return int(spark.sparkContext.defaultParallelism)
