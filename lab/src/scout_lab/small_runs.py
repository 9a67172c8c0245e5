"""Spark settings for runs over a few hundred rows: the test suite and the chaos sample.

On such data a query costs its planning and bookkeeping, not its rows. Compiling each
plan's generated Java code and re-planning it between stages (adaptive execution) cost
more than interpreting the rows: with these settings tests/integration/test_silver_stage.py
took 187 s against 285 s with Spark's defaults (2026-12-07, one round each). Spark's and
Delta's own test suites switch the same knobs. Results are the same either way. The jobs
keep Spark's defaults, and so does what runs them as users do: scripts/demo.sh, the
benchmark (and its smoke test's spark-submit), tests/e2e/test_bronze_crash.py and
tests/e2e/test_spark_submit_memory.py.
"""

SMALL_RUN_SETTINGS = (
    "spark.shuffle_partitions=2",
    "spark.ui_enabled=false",
    "spark.extra_conf.spark.ui.showConsoleProgress=false",
    "spark.extra_conf.spark.sql.codegen.wholeStage=false",
    "spark.extra_conf.spark.sql.codegen.factoryMode=NO_CODEGEN",
    "spark.extra_conf.spark.sql.adaptive.enabled=false",
)
