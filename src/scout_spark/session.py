"""Build the one SparkSession a run uses: Delta, S3A, explicit time zone, pinned jars.

Classic, or a Spark Connect client when SPARK_REMOTE (pyspark's own switch) or the config
key spark.remote names a server. A Connect server holds what only it can (master, jars,
SQL extensions, catalog, driver memory and JVM options, spark.hadoop.*): the client sends
runtime SQL settings only, since a server refuses or silently drops the rest.
"""

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.config.driver_memory import SPARK_DEFAULT_DRIVER_MEMORY, memory_mib
from scout_spark.jars import resolve_jars
from scout_spark.lake.writes import configure_tables
from scout_spark.runtime.jvm import check_delta, driver_memory_setting, is_connect, set_log_level

LOG4J_CONF = Path(__file__).resolve().parents[2] / "conf" / "log4j2.properties"
DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension"
DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog"
PARQUET_ROW_GROUP_BYTES = 16 * 1024 * 1024
# Runtime settings a Connect client may send; within them, those fixed at server start.
RUNTIME_PREFIXES = ("spark.sql.", "spark.databricks.delta.")
SERVER_ONLY_PREFIXES = (
    "spark.sql.extensions",
    "spark.sql.catalog.",
    "spark.sql.catalogImplementation",
    "spark.sql.warehouse.dir",
    "spark.sql.hive.",
)


def spark_conf(config: Config) -> dict[str, str]:
    """Every Spark setting derived from config (no secrets: S3 keys come from the AWS chain)."""
    conf = {
        "spark.app.name": config.spark.app_name,
        "spark.sql.extensions": DELTA_EXTENSION,
        "spark.sql.catalog.spark_catalog": DELTA_CATALOG,
        # Business dates use config.timezone explicitly; stored instants are UTC.
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(config.spark.shuffle_partitions),
        "spark.ui.enabled": str(config.spark.ui_enabled).lower(),
        # Spark's progress bar redraws with carriage returns: a person at a terminal
        # follows long stages by it; in a log or CI output it is noise (#16).
        "spark.ui.showConsoleProgress": str(sys.stderr.isatty()).lower(),
        "spark.databricks.delta.retentionDurationCheck.enabled": "true",
        # Defaults for tables made outside lake/writes.py, which sets both on each table it
        # creates (a Connect server may drop these session settings without a word).
        "spark.databricks.delta.properties.defaults.enableChangeDataFeed": "true",
        # A MERGE of a few corrections writes only them, not every file they touch.
        "spark.databricks.delta.properties.defaults.enableDeletionVectors": str(
            config.lake.deletion_vectors
        ).lower(),
        # A Parquet row group is written and read whole by one task: Parquet's 128 MB
        # default made 385 MB (decoded) groups in bronze that no 1 GB driver could read (#23).
        "spark.hadoop.parquet.block.size": str(PARQUET_ROW_GROUP_BYTES),
        # A batch persisted on disk is written through Java serialization, whose stream
        # holds every object it wrote until a reset (default: every 100): 100 cached column
        # batches of a wide table, per task, filled a 1 GB driver at 1M transactions (#23).
        "spark.serializer.objectStreamReset": "1",
        "spark.hadoop.fs.s3a.endpoint.region": config.s3.region,
        "spark.hadoop.fs.s3a.path.style.access": str(config.s3.path_style_access).lower(),
        "spark.hadoop.fs.s3a.connection.ssl.enabled": str(config.s3.ssl_enabled).lower(),
    }
    if config.s3.endpoint:
        conf["spark.hadoop.fs.s3a.endpoint"] = config.s3.endpoint
    if config.s3.credentials_provider:
        conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = config.s3.credentials_provider
    java_options = []
    if config.s3.disable_ec2_metadata:
        java_options.append("-Daws.disableEc2Metadata=true")
        conf["spark.executor.extraJavaOptions"] = "-Daws.disableEc2Metadata=true"
    if LOG4J_CONF.is_file():
        java_options.append(f"-Dlog4j2.configurationFile={LOG4J_CONF.as_uri()}")
    if java_options:
        conf["spark.driver.extraJavaOptions"] = " ".join(java_options)
    if config.spark.master:
        conf["spark.master"] = config.spark.master
    if (config.spark.master or "").startswith("local"):
        # Local mode talks to itself only: keep the driver on loopback.
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        # The executor is the driver here: by default a task's OutOfMemoryError exits the
        # JVM (52), losing the failure's ledger row and its one line. The task fails instead
        # and the stage ends with that error (runtime/memory_failure.py).
        conf["spark.executor.killOnFatalError.depth"] = "0"
    if config.spark.driver_memory and not _jvm_already_running():
        # A running driver's heap is fixed: setting it now would only make its conf lie.
        conf["spark.driver.memory"] = config.spark.driver_memory
    if config.spark.jars == "local_cache" and not _jvm_already_running():
        conf.update(_jar_conf(config.spark.master, resolve_jars()))
    conf.update(config.spark.extra_conf)
    return conf


def _jar_conf(master: str | None, jars: list[Path]) -> dict[str, str]:
    """The cached jars for a JVM not yet started: its class path in local mode, else spark.jars.

    In local mode the driver is the executor, and spark.jars would make it copy every jar
    (about 670 MB) into a temp folder per session, left behind whenever the JVM is killed.
    """
    if (master or "").startswith("local"):
        return {"spark.driver.extraClassPath": os.pathsep.join(str(p) for p in jars)}
    return {"spark.jars": ",".join(str(p) for p in jars)}


def _jvm_already_running() -> bool:
    """True under spark-submit / a platform, where jars can no longer be added to the driver."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def remote_of(config: Config) -> str | None:
    """The Spark Connect server this run talks to (spark.remote, else SPARK_REMOTE), if any."""
    return config.spark.remote or os.environ.get("SPARK_REMOTE") or None


def connect_conf(config: Config) -> dict[str, str]:
    """The settings of spark_conf a Connect client sends: runtime SQL settings only."""
    return {
        key: value
        for key, value in spark_conf(config).items()
        if key.startswith(RUNTIME_PREFIXES) and not key.startswith(SERVER_ONLY_PREFIXES)
    }


def build_spark_session(config: Config) -> SparkSession:
    """Create (or reuse) the SparkSession for this config and check Delta is usable."""
    remote = remote_of(config)
    if remote:
        builder = SparkSession.builder.remote(remote)
        settings = connect_conf(config)
    else:
        if config.s3.disable_ec2_metadata:
            os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        if (config.spark.master or "").startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            # Python workers run this interpreter (with this package), not whatever is on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder
        settings = spark_conf(config)
    for key, value in settings.items():
        builder = builder.config(key, value)
    configure_tables(config.lake.deletion_vectors)
    spark = builder.getOrCreate()
    set_log_level(spark, config.spark.log_level)
    check_delta(spark)
    if _jvm_already_running() and (warning := driver_memory_warning(spark, config)):
        print(warning, file=sys.stderr, flush=True)
    return spark


def driver_memory_warning(spark: SparkSession, config: Config) -> str | None:
    """One line when spark.driver_memory differs from the heap the running driver has.

    A warning, not a refusal: the run may well fit the heap it has, and a platform sizes
    its driver on the cluster, where this config cannot reach.
    """
    wanted = config.spark.driver_memory
    if not wanted or is_connect(spark):
        return None
    running = driver_memory_setting(spark) or SPARK_DEFAULT_DRIVER_MEMORY
    if memory_mib(wanted) == memory_mib(running):
        return None
    return (
        f"scout: warning: spark.driver_memory {wanted} cannot take effect, the driver JVM "
        f"already runs with {running}: give it to spark-submit (scripts/spark-submit passes "
        "the config's; --driver-memory wins), or on a platform set spark.driver.memory on "
        "the cluster"
    )


@contextmanager
def temporary_conf(spark: SparkSession, settings: Mapping[str, str]) -> Iterator[None]:
    """Session settings for the block only; the previous values (or unset) come back after."""
    saved = {key: spark.conf.get(key, None) for key in settings}
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)
