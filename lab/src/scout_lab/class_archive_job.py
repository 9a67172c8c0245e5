"""The job scripts/setup.sh runs once through scripts/spark-submit, so that its JVM writes
the class archive every later run maps (class data sharing: see scripts/spark-submit).

It loads what a stage loads: the session every job builds, then on a temporary lake the
reads of each landing format, Delta appends, replace-by-date, MERGE, time travel, the
change feed, history and a run-ledger row. Run by hand it only warms a JVM and exits 0.
"""

import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from pyspark.sql import functions as F

from scout_spark.cli.args import base_parser
from scout_spark.config import load_config
from scout_spark.context import RunIdentity
from scout_spark.lake import delta_sql, writes
from scout_spark.lake.writes import DeltaTarget
from scout_spark.records import ledger
from scout_spark.session import build_spark_session


def main(argv: list[str] | None = None) -> int:
    """spark-submit lab/src/scout_lab/class_archive_job.py --env local"""
    args = base_parser("class_archive_job", __doc__ or "").parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scout-class-archive-") as folder:
        root = Path(folder)
        overrides = [*args.overrides, f"lake.root={root.as_uri()}/lake/"]
        config = load_config(args.env, args.config, overrides)
        spark = build_spark_session(config)
        try:
            rows = spark.range(200).selectExpr(
                "id",
                "CAST(id % 7 AS STRING) AS store",
                "DATE'2026-01-01' + CAST(id % 3 AS INT) AS day",
            )
            for kind in ("parquet", "csv", "json", "avro"):
                rows.write.format(kind).option("header", "true").save(str(root / kind))
                spark.read.format(kind).option("header", "true").load(str(root / kind)).count()
            path = config.lake_path("warm", "table")
            target = DeltaTarget("warm/table", path, keys=("id",), date_column="day")
            writes.append(spark, target, rows)
            first_day = rows.filter("day = DATE'2026-01-01'")
            writes.replace_dates(spark, target, first_day, [date(2026, 1, 1)])
            changed = rows.filter("id < 50").withColumn("store", F.concat("store", F.lit("x")))
            writes.merge(spark, target, changed)
            writes.read_version(spark, path, 0).groupBy("store").count().collect()
            writes.read_changes(spark, path, 0, 2).count()
            delta_sql.history(spark, path).collect()
            who = RunIdentity("class-archive", "class-archive", "warm", datetime.now(UTC))
            ledger.record(spark, config, who, "running")
        finally:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
