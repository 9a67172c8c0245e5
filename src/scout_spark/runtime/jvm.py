"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from typing import Any, ParamSpec, TypeVar

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.storagelevel import StorageLevel

from scout_spark.config.model import S3Config
from scout_spark.errors import SetupError, error_line
from scout_spark.sources.hadoop_fs import FileEntry, HadoopFs

JOB_GROUP = "spark.jobGroup.id"
P = ParamSpec("P")
R = TypeVar("R")
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


def persist(df: DataFrame, *, on_disk: bool = False) -> DataFrame:
    """`df` kept on classic (memory and disk, or `on_disk` only: out of the heap); `df`
    itself under Connect.

    Serverless refuses persist/cache, and a Connect server's cache outlives a client that
    dies, so under Connect each action recomputes instead: same results, more work.
    """
    if is_connect(df.sparkSession):
        return df
    return df.persist(StorageLevel.DISK_ONLY if on_disk else StorageLevel.MEMORY_AND_DISK)


def unpersist(df: DataFrame) -> None:
    """Release what `persist` kept (nothing under Connect)."""
    if not is_connect(df.sparkSession):
        df.unpersist()


@contextmanager
def cached(df: DataFrame) -> Iterator[DataFrame]:
    """`persist(df)` for the block, released after."""
    kept = persist(df)
    try:
        yield kept
    finally:
        unpersist(kept)


class JvmFs(HadoopFs):
    """HadoopFs through the classic driver's Hadoop FileSystem (py4j)."""

    def __init__(self, spark: SparkSession, root: str) -> None:
        self._jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        self._fs: Any = self._path(root).getFileSystem(conf)

    def _path(self, path: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(path)

    @staticmethod
    def _entry(status: Any) -> FileEntry:
        return FileEntry(
            path=status.getPath().toString(),
            size=int(status.getLen()),
            modified_at=datetime.fromtimestamp(status.getModificationTime() / 1000, UTC),
            is_dir=bool(status.isDirectory()),
        )

    def glob(self, pattern: str) -> list[FileEntry]:
        statuses = self._fs.globStatus(self._path(pattern))
        return [] if statuses is None else [self._entry(s) for s in statuses]

    def qualify(self, path: str) -> str:
        return str(self._fs.makeQualified(self._path(path)).toString())

    def uri_of(self, path: str) -> str:
        return str(self._path(path).toUri().toString())

    def first_line(self, path: str) -> str:
        stream = self._fs.open(self._path(path))
        try:
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            return str(reader.readLine() or "")
        finally:
            stream.close()

    def status(self, path: str) -> FileEntry | None:
        try:
            return self._entry(self._fs.getFileStatus(self._path(path)))
        except Exception as exc:
            if "java.io.FileNotFoundException" in str(exc):
                return None
            raise

    def exists(self, path: str) -> bool:
        return bool(self._fs.exists(self._path(path)))

    def read_head_tail(self, path: str, size: int, nbytes: int = 8) -> tuple[bytes, bytes]:
        stream = self._fs.open(self._path(path))
        try:
            head = bytearray()
            for _ in range(min(nbytes, size)):
                head.append(stream.read() & 0xFF)
            tail = bytearray()
            if size > nbytes:
                stream.seek(max(size - nbytes, 0))
                for _ in range(nbytes):
                    tail.append(stream.read() & 0xFF)
            return bytes(head), bytes(tail)
        finally:
            stream.close()

    def delete(self, path: str, recursive: bool = False) -> bool:
        return bool(self._fs.delete(self._path(path), recursive))


def delete_tree(spark: SparkSession, path: str, s3: S3Config | None = None) -> None:
    """Remove a folder and all under it (a probe table): Hadoop FileSystem, or the store."""
    if is_connect(spark):
        from scout_spark.runtime.connect_fs import delete_tree as delete_in_store

        delete_in_store(path, s3)
        return
    JvmFs(spark, path).delete(path, recursive=True)


class HadoopObject:
    """One small object through the classic driver's Hadoop FileSystem (lock fallback)."""

    def __init__(self, spark: SparkSession, path: str) -> None:
        if is_connect(spark):
            raise SetupError(
                f"the lock at {path} needs a Hadoop FileSystem, which a Spark Connect client "
                "does not have: put lake.root on a local path or S3 to run over Connect"
            )
        self._jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        self._path = self._jvm.org.apache.hadoop.fs.Path(path)
        self._fs = self._path.getFileSystem(conf)

    def write(self, content: bytes, overwrite: bool) -> str | None:
        """Its sha256 token, or None when it exists and `overwrite` is False."""
        try:
            stream = self._fs.create(self._path, overwrite)
        except Exception as exc:
            if "FileAlreadyExists" in str(exc) or "PreconditionFailed" in str(exc):
                return None
            raise
        stream.write(bytearray(content))
        stream.close()
        return hashlib.sha256(content).hexdigest()

    def read(self) -> bytes | None:
        if not self._fs.exists(self._path):
            return None
        stream = self._fs.open(self._path)
        try:
            return bytes(self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
        finally:
            stream.close()

    def delete(self) -> bool:
        return bool(self._fs.delete(self._path, False))


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

    # A pinned py4j thread (a side thread of a stage) has no active session of its own:
    # fall back to the process's session, whose properties this thread carries.
    session = SparkSession.getActiveSession() or SparkSession._instantiatedSession
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
