"""The adapter to Spark's JVM (py4j, the SparkContext, Hadoop FileSystem, RDD internals).

The seam for Spark Connect (issue 22): the JVM uses still in session.py, sources/,
lake/, ops/doctor.py and publish/binary_copy.py move here, each with a Connect path
beside it, since a Connect client (Databricks serverless, any Connect server) has no
JVM in its process.
"""

from pyspark.sql import SparkSession


def is_connect(spark: SparkSession) -> bool:
    """True for a Spark Connect client session (no JVM in this process)."""
    return type(spark).__module__.startswith("pyspark.sql.connect")
