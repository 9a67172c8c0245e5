"""The platinum stage: monitors for the store-days gold changed, customer features rebuilt.

Monitors are recomputed for every sales date whose gold/daily_store_sales rows changed
since the versions consumed last time (the table's change feed) and for the 28 days whose
baseline includes such a date; customer features are rebuilt whenever gold transactions,
gold items or silver customers moved on. Checkpoints: consumer `platinum`.
"""

from datetime import date, timedelta

from pyspark.sql import functions as F

from scout_spark.context import RunContext
from scout_spark.lake.as_of import input_version
from scout_spark.lake.delta_sql import is_delta_table
from scout_spark.lake.lock import TableLock
from scout_spark.lake.tables import delta_target, read_pinned, table_path
from scout_spark.lake.writes import (
    DeltaTarget,
    overwrite,
    read_changes,
    read_version,
    replace_dates,
    rows_written,
)
from scout_spark.layers.platinum.customer_features import build_customer_features
from scout_spark.layers.platinum.store_anomalies import BASELINE_DAYS, build_store_anomalies
from scout_spark.pipelines.build_options import BuildOptions
from scout_spark.pipelines.planner import Rebuild, plan_rebuild
from scout_spark.records.checkpoints import read_checkpoints, save_checkpoints
from scout_spark.records.unfinished import mark_finished, mark_started, unfinished, with_unfinished
from scout_spark.results import StageResult, TableVersions

DAILY_STORE_SALES = "gold/daily_store_sales"
GOLD_SOURCES = (DAILY_STORE_SALES, "gold/transactions", "gold/transaction_items")
FEATURE_SOURCES = ("gold/transactions", "gold/transaction_items", "silver/customers")
SOURCES = (*GOLD_SOURCES, "silver/customers")
OUTPUTS = ("platinum/monitors", "platinum/customer_features")
WRITER = "platinum"  # its two-table writes are marked (records/unfinished.py)


def shift_dates(dates: set[date] | list[date], first: int, last: int) -> list[date]:
    """Every date d + n for n in first..last, sorted."""
    return sorted({d + timedelta(days=n) for d in dates for n in range(first, last + 1)})


def _plan_monitors(
    ctx: RunContext, versions: dict[str, int | None], done: dict[str, int]
) -> Rebuild:
    """Monitor dates to recompute: a changed day is its own monitor date and in the
    baseline of the 28 days after it."""
    after, until = done.get(DAILY_STORE_SALES), versions[DAILY_STORE_SALES]

    def changed_dates() -> list[date]:
        path = table_path(ctx.config, DAILY_STORE_SALES)
        changes_df = read_changes(ctx.spark, path, after, until).select("sales_date")  # type: ignore[arg-type]
        changed = {row["sales_date"] for row in changes_df.distinct().collect()}
        return shift_dates(changed, 0, BASELINE_DAYS)

    return plan_rebuild(
        ctx.options,
        built=is_delta_table(ctx.spark, table_path(ctx.config, "platinum/monitors")),
        key_input=DAILY_STORE_SALES,
        versions={DAILY_STORE_SALES: until},
        done={} if after is None else {DAILY_STORE_SALES: after},
        changed_dates=changed_dates,
    )


def _write_monitors(
    ctx: RunContext, target: DeltaTarget, version: int, monitor_dates: list[date] | None
) -> tuple[TableVersions, int]:
    """Recompute the monitors of the given dates (all when None); (versions, rows read)."""
    sales_df = read_version(ctx.spark, table_path(ctx.config, DAILY_STORE_SALES), version)
    if monitor_dates is None:
        return overwrite(ctx.spark, target, build_store_anomalies(sales_df)), sales_df.count()
    with_baselines = shift_dates(monitor_dates, -BASELINE_DAYS, 0)
    sales_df = sales_df.filter(F.col("sales_date").isin(with_baselines))
    monitors_df = build_store_anomalies(sales_df).filter(F.col("monitor_date").isin(monitor_dates))
    return replace_dates(ctx.spark, target, monitors_df, monitor_dates), sales_df.count()


def _write_features(
    ctx: RunContext, target: DeltaTarget, versions: dict[str, int | None]
) -> tuple[TableVersions, int]:
    """Rebuild customer features from the pinned sources; (versions, rows read)."""
    spark, config = ctx.spark, ctx.config
    transactions_df = read_version(
        spark, table_path(config, "gold/transactions"), versions["gold/transactions"]
    )
    features_df = build_customer_features(
        transactions_df,
        gold_items_df=read_version(
            spark,
            table_path(config, "gold/transaction_items"),
            versions["gold/transaction_items"],
        ),
        customers_df=read_pinned(spark, config, "silver/customers", versions["silver/customers"]),
    )
    return overwrite(spark, target, features_df), transactions_df.count()


def run_platinum(ctx: RunContext[BuildOptions]) -> StageResult:
    """The platinum stage (see the module docstring)."""
    spark, config = ctx.spark, ctx.config
    targets = {name: delta_target(config, name) for name in OUTPUTS}
    with TableLock(spark, config, "platinum", ctx.who.run_id) as lock:
        versions = {
            name: input_version(spark, ctx.as_of, name, table_path(config, name))
            for name in SOURCES
        }
        if any(versions[name] is None for name in GOLD_SOURCES):
            return StageResult(status="skipped", summary="gold does not exist yet")
        done = read_checkpoints(spark, config, "platinum")
        plan = _plan_monitors(ctx, versions, done)
        mode, monitor_dates, why = plan.mode, plan.dates, plan.why
        features_due = mode == "full_refresh" or (
            mode == "incremental"
            and (
                not is_delta_table(spark, targets["platinum/customer_features"].path)
                or any(done.get(name) != versions[name] for name in FEATURE_SOURCES)
            )
        )
        left = unfinished(spark, config, WRITER)
        if left is not None:  # a killed run's half-written tables are rewritten now
            monitor_dates, features_due = with_unfinished(monitor_dates, left), True
            why += f"; run {left.run_id} did not finish"
        written: dict[str, TableVersions] = {}
        read = 0
        if monitor_dates != [] or features_due:
            mark_started(ctx, WRITER, monitor_dates)
        if monitor_dates != []:
            lock.check()
            written["platinum/monitors"], n = _write_monitors(
                ctx, targets["platinum/monitors"], versions[DAILY_STORE_SALES], monitor_dates
            )
            read += n
        if features_due:
            lock.check()
            written["platinum/customer_features"], n = _write_features(
                ctx, targets["platinum/customer_features"], versions
            )
            read += n
        if mode != "date_range" and any(done.get(n) != v for n, v in versions.items()):
            lock.check()
            save_checkpoints(ctx, "platinum", versions)
        if written:
            mark_finished(ctx, WRITER)
    if not written:
        return StageResult(
            status="skipped", metrics={"mode": mode}, summary=f"nothing to do: {why}"
        )
    counts = {name: rows_written(spark, targets[name].path, v) for name, v in written.items()}
    scope = "every date" if monitor_dates is None else f"{len(monitor_dates)} dates"
    return StageResult(
        records_read=read,
        records_written=sum(counts.values()),
        tables=written,
        metrics={"mode": mode, "reason": why, "monitor_dates": scope},
        summary=(
            f"{mode} ({why}): monitors for {scope}"
            f"{', customer features rebuilt' if features_due else ''}; "
            f"{sum(counts.values())} rows written"
        ),
    )
