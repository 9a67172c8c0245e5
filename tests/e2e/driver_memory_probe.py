"""A job for tests: builds the session as every job does, prints the driver's memory and
how many jars its executor copied into its own folder after running a task."""

import sys
from pathlib import Path

from pyspark import SparkFiles

from scout_spark.cli.args import base_parser
from scout_spark.config import load_config
from scout_spark.runtime.jvm import driver_heap_mib, driver_memory_setting
from scout_spark.session import build_spark_session

if __name__ == "__main__":
    args = base_parser("driver_memory_probe", __doc__ or "").parse_args()
    spark = build_spark_session(load_config(args.env, args.config, args.overrides))
    print(f"spark.driver.memory={driver_memory_setting(spark)} heap_mib={driver_heap_mib(spark)}")
    spark.range(4).count()  # a task: the executor fetches what spark.jars added, if anything
    copied = list(Path(SparkFiles.getRootDirectory()).glob("*.jar"))
    print(f"copied_jars={len(copied)}")
    spark.stop()
    sys.exit(0)
