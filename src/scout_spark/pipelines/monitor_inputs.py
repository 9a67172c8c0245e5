"""What the monitor stage reads: ledger figures, bronze file state, daily totals, Postgres.

Every read returns small, driver-side values (a row per run, file or sales date) for the
pure checks in scout_spark.health_checks.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce

from pyspark.sql import DataFrame, Row, SparkSession, Window
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.health_checks.reconciliation import DailyTotal, select_daily_totals
from scout_spark.health_checks.volume import IngestRun
from scout_spark.health_checks.zero_rows import FINAL_STATUSES, PER_DATASET, StageRun
from scout_spark.lake.delta_sql import is_delta_table
from scout_spark.lake.tables import read_pinned, table_path
from scout_spark.lake.writes import read_version, table_version
from scout_spark.layers.gold.changes import filter_sales_dates
from scout_spark.layers.gold.schemas import GOLD_TRANSACTIONS_SCHEMA
from scout_spark.layers.gold.transactions import local_date, with_sales_calendar
from scout_spark.publish.published import GOLD_TRANSACTIONS, Published
from scout_spark.publish.tables import by_lake_name, select_publish_rows
from scout_spark.records.ledger import latest_ledger, ledger_path
from scout_spark.runtime.jvm import persist
from scout_spark.sources.file_state import FileState

SILVER_TRANSACTIONS = "silver/transactions"


def _instant(micros: int | None) -> datetime | None:
    return None if micros is None else datetime.fromtimestamp(micros / 1_000_000, UTC)


def read_final_ledger(spark: SparkSession, config: Config) -> DataFrame | None:
    """The newest row per (run_id, stage) of pipeline stages' runs that ended; None: no ledger.

    Persisted (a small table, read by several checks): the caller unpersists it.
    """
    path = ledger_path(config)
    if not is_delta_table(spark, path):
        return None
    is_pipeline_stage = F.col("stage").rlike(r"^(bronze|silver|gold|platinum)(\.|$)")
    return persist(
        latest_ledger(read_version(spark, path).filter(is_pipeline_stage)).filter(
            F.col("status").isin(*FINAL_STATUSES)
        )
    )


def ingest_runs(
    ledger_df: DataFrame | None, *, datasets: Sequence[str], baseline_runs: int
) -> dict[str, list[IngestRun]]:
    """Per dataset, newest first: its latest succeeded bronze run and earlier runs with rows."""
    if ledger_df is None:
        return {}
    newest_first = Window.partitionBy("stage").orderBy(
        F.col("started_at").desc(), F.col("run_id").desc()
    )
    has_rows = F.col("records_written") > 0
    runs_df = (
        ledger_df.filter(F.col("stage").isin(*[f"bronze.{d}" for d in datasets]))
        .filter(F.col("status") == "succeeded")
        .withColumn("_rank", F.row_number().over(newest_first))
        .withColumn("_rows_rank", F.sum(has_rows.cast("int")).over(newest_first))
        .filter((F.col("_rank") == 1) | (has_rows & (F.col("_rows_rank") <= baseline_runs + 1)))
        .select("stage", "run_id", F.unix_micros("started_at").alias("started"), "records_written")
    )
    runs: dict[str, list[IngestRun]] = defaultdict(list)
    for row in sorted(runs_df.collect(), key=lambda r: (r["started"], r["run_id"]), reverse=True):
        started = datetime.fromtimestamp(row["started"] / 1_000_000, UTC)
        run = IngestRun(row["run_id"], started, int(row["records_written"] or 0))
        runs[row["stage"].split(".", 1)[1]].append(run)
    return dict(runs)


def _stage_run(row: Row) -> StageRun:
    return StageRun(
        row["stage"],
        row["run_id"],
        row["status"],
        int(row["records_read"] or 0),
        int(row["records_written"] or 0),
        dict(row["metrics"] or {}),
    )


def latest_stage_runs(
    ledger_df: DataFrame | None, *, stages: Sequence[str], datasets: Sequence[str]
) -> list[StageRun]:
    """Each stage's newest final row, plus the per-dataset part rows of that same run."""
    if ledger_df is None or not stages:
        return []
    newest_first = Window.partitionBy("stage").orderBy(
        F.col("started_at").desc(), F.col("recorded_at").desc()
    )
    columns = ("stage", "run_id", "status", "records_read", "records_written", "metrics")
    tops = [
        _stage_run(row)
        for row in ledger_df.filter(F.col("stage").isin(*stages))
        .withColumn("_rank", F.row_number().over(newest_first))
        .filter(F.col("_rank") == 1)
        .select(*columns)
        .collect()
    ]
    part_names = [f"{s}.{d}" for s in stages if s in PER_DATASET for d in datasets]
    run_ids = [run.run_id for run in tops if run.stage in PER_DATASET]
    if not run_ids:
        return tops
    parts_df = ledger_df.filter(F.col("stage").isin(*part_names) & F.col("run_id").isin(*run_ids))
    return tops + [_stage_run(row) for row in parts_df.select(*columns).collect()]


def newest_ingests(
    spark: SparkSession, config: Config, datasets: Sequence[str]
) -> dict[str, datetime | None]:
    """Per dataset, when bronze last recorded an ingested file with rows (None: never)."""
    paths = {d: FileState(spark, config.lake.root, d).target.path for d in datasets}
    frames = [
        read_version(spark, path)
        .where((F.col("status") == "ingested") & (F.col("rows") > 0))
        .select(F.lit(dataset).alias("dataset"), "recorded_at")
        for dataset, path in paths.items()
        if is_delta_table(spark, path)
    ]
    newest: dict[str, datetime | None] = dict.fromkeys(datasets)
    if frames:
        newest_df = (
            reduce(DataFrame.unionByName, frames)
            .groupBy("dataset")
            .agg(F.unix_micros(F.max("recorded_at")).alias("newest"))
        )
        newest.update({row["dataset"]: _instant(row["newest"]) for row in newest_df.collect()})
    return newest


def ingested_paths(spark: SparkSession, config: Config, dataset: str) -> list[str]:
    """Every source file path bronze has ingested for `dataset` (from its file state)."""
    path = FileState(spark, config.lake.root, dataset).target.path
    if not is_delta_table(spark, path):
        return []
    paths_df = read_version(spark, path).filter(F.col("status") == "ingested").select("file_path")
    return [row["file_path"] for row in paths_df.distinct().collect()]


def _totals(daily_df: DataFrame) -> dict[date, DailyTotal]:
    return {
        row["sales_date"]: DailyTotal(int(row["transactions"]), row["gross"])
        for row in daily_df.collect()
    }


@dataclass(frozen=True)
class GoldSilverTotals:
    """Daily totals of gold and silver transactions over the same sales dates."""

    gold: dict[date, DailyTotal]
    silver: dict[date, DailyTotal]
    versions: str  # which table versions were compared, for the detail


def gold_silver_totals(
    spark: SparkSession, config: Config, lookback_days: int
) -> GoldSilverTotals | None:
    """Totals of the `lookback_days` sales dates up to the latest in either table."""
    gold_path = table_path(config, GOLD_TRANSACTIONS)
    gold_version = table_version(spark, gold_path)
    silver_version = table_version(spark, table_path(config, SILVER_TRANSACTIONS))
    if gold_version is None and silver_version is None:
        return None
    gold_df = (
        spark.createDataFrame([], GOLD_TRANSACTIONS_SCHEMA)
        if gold_version is None
        else read_version(spark, gold_path, gold_version)
    )
    silver_df = read_pinned(spark, config, SILVER_TRANSACTIONS, silver_version)
    tz, versions = config.timezone, f"gold v{gold_version}, silver v{silver_version}"
    ends_df = gold_df.select(F.max("sales_date").alias("d")).unionByName(
        silver_df.select(local_date(F.max(F.col("transaction_ts")), tz).alias("d"))
    )
    ends = [row["d"] for row in ends_df.collect() if row["d"] is not None]
    if not ends:
        return GoldSilverTotals({}, {}, versions)
    dates = [max(ends) - timedelta(days=n) for n in range(lookback_days)]
    silver_daily_df = (
        silver_df.transform(filter_sales_dates, dates=dates, timezone=tz)
        .transform(with_sales_calendar, timezone=tz)
        .transform(select_daily_totals)
        .withColumn("side", F.lit("silver"))
    )
    gold_daily_df = (
        gold_df.filter(F.col("sales_date").isin(dates))
        .transform(select_daily_totals)
        .withColumn("side", F.lit("gold"))
    )
    rows = gold_daily_df.unionByName(silver_daily_df).collect()
    totals = {
        side: {
            r["sales_date"]: DailyTotal(int(r["transactions"]), r["gross"])
            for r in rows
            if r["side"] == side
        }
        for side in ("gold", "silver")
    }
    return GoldSilverTotals(totals["gold"], totals["silver"], versions)


def published_gold_totals(
    spark: SparkSession, config: Config, published: Published
) -> dict[date, DailyTotal]:
    """Gold's daily totals of the rows the last publish sent, at the version it recorded."""
    gold_df = read_version(spark, table_path(config, GOLD_TRANSACTIONS), published.gold_version)
    rows_df = select_publish_rows(
        gold_df, table=by_lake_name()[GOLD_TRANSACTIONS], first_date=published.window_start
    )
    return _totals(rows_df.transform(select_daily_totals))
