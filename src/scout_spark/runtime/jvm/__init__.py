"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

from scout_spark.runtime.jvm.caching import cached, persist, unpersist
from scout_spark.runtime.jvm.delta_log import delta_log_table_id, delta_log_version
from scout_spark.runtime.jvm.driver import (
    DELTA_EXTENSION,
    NO_DELTA,
    check_delta,
    classes_missing,
    default_parallelism,
    driver_heap_mib,
    driver_memory_setting,
    is_connect,
    java_version,
    jvm_exit_code,
    master,
    set_log_level,
)
from scout_spark.runtime.jvm.files import HadoopObject, JvmFs, delete_tree
from scout_spark.runtime.jvm.partitions import binary_partitions
from scout_spark.runtime.jvm.steps import JOB_GROUP, in_this_step, job_group

__all__ = [
    "DELTA_EXTENSION", "JOB_GROUP", "NO_DELTA", "HadoopObject", "JvmFs", "binary_partitions",
    "cached", "check_delta", "classes_missing", "default_parallelism", "delete_tree",
    "delta_log_table_id", "delta_log_version", "driver_heap_mib", "driver_memory_setting",
    "in_this_step", "is_connect", "java_version", "job_group", "jvm_exit_code", "master", "persist",
    "set_log_level", "unpersist",
]  # fmt: skip
