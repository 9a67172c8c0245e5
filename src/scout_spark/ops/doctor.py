"""`doctor`: a checklist of what a run needs (config, jars, bucket, Postgres), with fixes.

Each check tries the feature (a Delta round trip, a JDBC query), so it works the same
classic and over Spark Connect, where the driver's class path is not visible.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_spark.context import RunContext
from scout_spark.errors import ScoutError
from scout_spark.jars import jar_dir, resolved_jars
from scout_spark.publish.connection import jdbc_properties, jdbc_url
from scout_spark.results import StageResult
from scout_spark.runtime.error_text import describe_error
from scout_spark.runtime.filesystem import open_fs
from scout_spark.runtime.jvm import check_delta, classes_missing, delete_tree, is_connect

REQUIRED_CLASSES = {
    "Delta": "io.delta.sql.DeltaSparkSessionExtension",
    "S3A": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    "PostgreSQL JDBC": "org.postgresql.Driver",
    "Avro": "org.apache.spark.sql.avro.AvroFileFormat",
}


@dataclass(frozen=True)
class Check:
    """One line of the checklist."""

    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


class DoctorFailedError(ScoutError):
    """At least one check failed."""


def _try_avro(spark: SparkSession) -> None:
    from pyspark.sql.avro.functions import to_avro

    spark.range(1).select(to_avro(F.col("id"))).collect()


def check_config(ctx: RunContext) -> Check:
    cfg = ctx.config
    detail = (
        f"env {cfg.env}: {' + '.join(cfg.origins)}; source {cfg.source.root}; lake {cfg.lake.root}"
    )
    return Check("config", "ok", detail)


def check_jars(ctx: RunContext) -> Check:
    spark = ctx.spark
    if is_connect(spark):
        # The server holds the jars: try what they give (JDBC and S3A: the checks below).
        check_delta(spark)
        _try_avro(spark)
        return Check("jars", "ok", "Delta and Avro answer on the Spark Connect server")
    missing = classes_missing(spark, REQUIRED_CLASSES)
    source = "platform-provided" if ctx.config.spark.jars == "none" else f"{jar_dir()}"
    if ctx.config.spark.jars == "local_cache":
        source = f"{len(resolved_jars())} jars in {jar_dir()}"
    if missing:
        return Check(
            "jars", "fail", f"classes not loadable: {', '.join(missing)} ({source})",
            "run scripts/setup.sh, then submit with scripts/spark-submit",
        )  # fmt: skip
    return Check("jars", "ok", f"{', '.join(REQUIRED_CLASSES)} load ({source})")


def check_source(ctx: RunContext) -> Check:
    root = ctx.config.source.root
    fs = open_fs(ctx.spark, root, ctx.config.s3)
    entries = len(fs.glob(root.rstrip("/") + "/*"))
    if not entries:
        return Check("source", "warn", f"{root} does not exist yet or is empty (no files)")
    return Check("source", "ok", f"{root} readable ({entries} entries at top)")


def check_lake_round_trip(ctx: RunContext) -> Check:
    probe = ctx.config.lake_path("_ops", "doctor_probe", ctx.who.run_id)
    spark = ctx.spark
    first_df = spark.range(3).withColumn("payload", F.concat(F.lit("v0-"), F.col("id")))
    first_df.write.format("delta").mode("overwrite").save(probe)
    first_df.withColumn("payload", F.lit("v1")).write.format("delta").mode("append").save(probe)
    v0 = sorted(
        tuple(r) for r in spark.read.format("delta").option("versionAsOf", 0).load(probe).collect()
    )
    v1_rows = spark.read.format("delta").load(probe).count()
    delete_tree(spark, probe, ctx.config.s3)
    if v0 != [(i, f"v0-{i}") for i in range(3)] or v1_rows != 6:
        return Check("lake", "fail", f"Delta round trip under {probe} read back wrong data")
    return Check("lake", "ok", f"Delta write, append, time travel under {ctx.config.lake.root}")


def check_postgres(ctx: RunContext) -> Check:
    pg = ctx.config.postgres
    where = f"{pg.host}:{pg.port}/{pg.database} as {pg.user}"
    probe_df = ctx.spark.read.jdbc(
        jdbc_url(pg), "(select current_setting('server_version') as v) q",
        properties=jdbc_properties(pg),
    )  # fmt: skip
    version = probe_df.first()["v"]  # type: ignore[index]
    return Check("postgres", "ok", f"{where}: PostgreSQL {version}")


_FIXES = {
    "source": "check source.root and the bucket's read permission",
    "lake": "check lake.root, s3.* settings and write permission under the lake root",
    "postgres": "check postgres.* and the password variable; locally: scripts/services.sh start",
}
CHECKS: tuple[tuple[str, Callable[[RunContext], Check]], ...] = (
    ("config", check_config),
    ("jars", check_jars),
    ("source", check_source),
    ("lake", check_lake_round_trip),
    ("postgres", check_postgres),
)


def _guarded(name: str, check: Callable[[RunContext], Check], ctx: RunContext) -> Check:
    try:
        return check(ctx)
    except Exception as exc:
        return Check(name, "fail", describe_error(exc, ctx.config), _FIXES.get(name, ""))


def run_doctor(ctx: RunContext) -> StageResult:
    """Run every check, print the checklist; raise when any check failed."""
    results = [_guarded(name, check, ctx) for name, check in CHECKS]
    for item in results:
        mark = {"ok": "[ok]  ", "warn": "[warn]", "fail": "[FAIL]"}[item.status]
        print(f"{mark} {item.name:<9} {item.detail}", flush=True)
        if item.fix:
            print(f"       {'':<9} fix: {item.fix}", flush=True)
    failed = [item.name for item in results if item.status == "fail"]
    sys.stdout.flush()
    if failed:
        raise DoctorFailedError(
            f"{len(failed)} of {len(results)} checks failed: {', '.join(failed)}"
        )
    return StageResult(
        metrics={item.name: item.status for item in results},
        summary=f"{len(results)} checks, {sum(i.status == 'warn' for i in results)} warnings",
    )
