"""The one adapter to Spark's JVM: py4j, the SparkContext, Hadoop FileSystem, RDD internals.

No other module names `sparkContext`, `_jvm`, `_jsc`, `_jdf`, `pyspark.core` or RDDs
(tests/unit/test_jvm_confined.py). A Spark Connect client (Databricks serverless,
standard-access clusters, any Connect server) has no JVM in its process: each function
here that needs one has a Connect path beside it, or says in one line that it cannot.
"""

from pyspark.sql import SparkSession


def is_connect(spark: SparkSession) -> bool:
    """True for a Spark Connect client session (no JVM in this process)."""
    return type(spark).__module__.startswith("pyspark.sql.connect")
