"""A job for tests: builds the session as every job does, prints the driver's memory, how
many jars its executor copied into its own folder after running a task, and the rows of a
one-partition batch larger than the heap that it kept on disk and read back."""

import sys
from pathlib import Path

from pyspark import SparkFiles
from pyspark.sql import functions as F

from scout_spark.cli.args import base_parser
from scout_spark.config import load_config
from scout_spark.runtime.jvm import driver_heap_mib, driver_memory_setting, persist, unpersist
from scout_spark.session import build_spark_session

if __name__ == "__main__":
    args = base_parser("driver_memory_probe", __doc__ or "").parse_args()
    spark = build_spark_session(load_config(args.env, args.config, args.overrides))
    print(f"spark.driver.memory={driver_memory_setting(spark)} heap_mib={driver_heap_mib(spark)}")
    spark.range(4).count()  # a task: the executor fetches what spark.jars added, if anything
    copied = list(Path(SparkFiles.getRootDirectory()).glob("*.jar"))
    print(f"copied_jars={len(copied)}")
    # About 600 MB of unique text in one task, kept on disk as silver keeps a batch (#23).
    text = F.col("id").cast("string")
    wide_df = spark.range(0, 1_500_000, numPartitions=1).select(
        *[F.sha2(F.concat(text, F.lit(salt)), 512).alias(salt) for salt in ("a", "b", "c")]
    )
    kept = persist(wide_df, on_disk=True)
    print(f"disk_persisted_rows={kept.count()}", flush=True)
    unpersist(kept)
    spark.stop()
    sys.exit(0)
