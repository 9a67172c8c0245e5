"""The gold stage: restate every sales date whose silver rows changed since the last run.

Silver tables are read pinned at their current versions. Their change feed since the
versions the last run consumed (the `_ops/checkpoints` table, consumer `gold`) says which
sales dates the changes touch (layers.gold_changes); those dates are rebuilt from the
pinned silver snapshot and replaced in every gold table, then the checkpoint moves on.
A crash before the checkpoint moves only means the next run restates the same dates; the
rebuild is marked unfinished meanwhile (records/unfinished.py), so publish pins no half-built
gold and the next run restates the dead run's dates too, whatever its mode.
"""

from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.context import RunContext
from scout_spark.lake.as_of import input_version
from scout_spark.lake.delta_sql import is_delta_table
from scout_spark.lake.lock import TableLock
from scout_spark.lake.tables import (
    GOLD_TABLES,
    SILVER_TABLES,
    delta_target,
    read_pinned,
    table_path,
)
from scout_spark.lake.writes import (
    DeltaTarget,
    overwrite,
    read_changes,
    read_version,
    replace_dates,
    rows_written,
)
from scout_spark.layers.gold.aggregates import (
    build_daily_category_sales,
    build_daily_store_sales,
    build_hourly_sales,
    build_payment_mix,
)
from scout_spark.layers.gold.changes import build_restated_dates, filter_sales_dates
from scout_spark.layers.gold.transactions import (
    build_gold_transaction_items,
    build_gold_transactions,
    filter_items_without_transaction,
)
from scout_spark.pipelines.build_options import BuildOptions
from scout_spark.pipelines.planner import Rebuild, plan_rebuild
from scout_spark.records.checkpoints import read_checkpoints, save_checkpoints
from scout_spark.records.crash import crash_point
from scout_spark.records.unfinished import mark_finished, mark_started, unfinished, with_unfinished
from scout_spark.results import StageResult, TableVersions

WRITER = "gold"  # its rebuilds are marked (records/unfinished.py)


def gold_targets(config: Config) -> dict[str, DeltaTarget]:
    """The six gold tables as the gold stage writes them."""
    return {name: delta_target(config, name) for name in GOLD_TABLES}


def read_changed_rows(
    spark: SparkSession, config: Config, name: str, after: int | None, until: int | None
) -> DataFrame:
    """Silver rows changed after version `after` up to `until`; every row when `after` is None."""
    if after is not None and until is not None and after < until:
        return read_changes(spark, table_path(config, name), after, until)
    snapshot_df = read_pinned(spark, config, name, until if after is None else None)
    return snapshot_df.withColumns(
        {"_change_type": F.lit("insert"), "_commit_version": F.lit(until or 0).cast("long")}
    )


def _plan(ctx: RunContext, versions: dict[str, int | None], done: dict[str, int]) -> Rebuild:
    spark, config = ctx.spark, ctx.config

    def changed_dates() -> list[date]:
        frames = {
            name: read_changed_rows(spark, config, name, done.get(name), versions[name])
            for name in SILVER_TABLES
        }
        dates_df = build_restated_dates(
            transactions_df=read_pinned(
                spark, config, "silver/transactions", versions["silver/transactions"]
            ),
            transaction_changes_df=frames["silver/transactions"],
            item_changes_df=frames["silver/items"],
            store_changes_df=frames["silver/stores"],
            customer_changes_df=frames["silver/customers"],
            timezone=config.timezone,
        )
        return sorted(row["sales_date"] for row in dates_df.collect())

    return plan_rebuild(
        ctx.options,
        built=all(is_delta_table(spark, t.path) for t in gold_targets(config).values()),
        key_input="silver/transactions",
        versions=versions,
        done=done,
        changed_dates=changed_dates,
    )


def _restate(
    ctx: RunContext,
    versions: dict[str, int | None],
    dates: list[date] | None,
    lock: TableLock,
) -> dict[str, TableVersions]:
    """Rebuild the given dates (all when None) of every gold table from pinned silver."""
    spark, config = ctx.spark, ctx.config
    targets = gold_targets(config)
    silver = {name: read_pinned(spark, config, name, versions[name]) for name in SILVER_TABLES}
    transactions_df = silver["silver/transactions"]
    if dates is not None:
        transactions_df = transactions_df.transform(
            filter_sales_dates, dates=dates, timezone=config.timezone
        )
    items_df = silver["silver/items"].join(
        transactions_df.select("transaction_id"), on="transaction_id", how="left_semi"
    )

    written: dict[str, TableVersions] = {}

    def write(name: str, df: DataFrame) -> DataFrame:
        """Write one gold table; return the dates just written, read back."""
        lock.check()
        target = targets[name]
        if dates is None:
            written[name] = overwrite(spark, target, df)
        else:
            written[name] = replace_dates(spark, target, df, dates)
        crash_point("gold.after_table")
        ctx.progress(f"{name} written ({len(written)} of {len(targets)})")
        written_df = read_version(spark, target.path, written[name].after)
        return written_df if dates is None else written_df.filter(F.col("sales_date").isin(dates))

    gold_transactions_df = write(
        "gold/transactions",
        build_gold_transactions(
            transactions_df,
            items_df=items_df,
            stores_df=silver["silver/stores"],
            customers_df=silver["silver/customers"],
            timezone=config.timezone,
        ),
    )
    gold_items_df = write(
        "gold/transaction_items",
        build_gold_transaction_items(items_df, gold_transactions_df=gold_transactions_df),
    )
    write("gold/daily_store_sales", build_daily_store_sales(gold_transactions_df))
    write("gold/daily_category_sales", build_daily_category_sales(gold_items_df))
    write("gold/hourly_sales", build_hourly_sales(gold_transactions_df))
    write("gold/payment_mix", build_payment_mix(gold_transactions_df))
    return written


def _items_left_out(ctx: RunContext, versions: dict[str, int | None]) -> int:
    """Silver item rows gold leaves out, their transaction not in gold/transactions (now)."""
    gold_df = ctx.spark.read.format("delta").load(table_path(ctx.config, "gold/transactions"))
    items_df = read_pinned(ctx.spark, ctx.config, "silver/items", versions["silver/items"])
    return items_df.transform(
        filter_items_without_transaction, gold_transactions_df=gold_df
    ).count()


def run_gold(ctx: RunContext[BuildOptions]) -> StageResult:
    """The gold stage (see the module docstring)."""
    spark, config = ctx.spark, ctx.config
    with TableLock(spark, config, "gold", ctx.who.run_id) as lock:
        versions = {
            name: input_version(spark, ctx.as_of, name, table_path(config, name))
            for name in SILVER_TABLES
        }
        if versions["silver/transactions"] is None:
            return StageResult(status="skipped", summary="silver/transactions does not exist yet")
        done = read_checkpoints(spark, config, "gold")
        plan = _plan(ctx, versions, done)
        mode, dates, why = plan.mode, plan.dates, plan.why
        left = unfinished(spark, config, WRITER)
        if left is not None:  # a killed run's half-rebuilt dates are rebuilt now
            dates = with_unfinished(dates, left)
            why += f"; run {left.run_id} did not finish"
        metrics = {"mode": mode, "reason": why}
        if dates == []:
            if any(done.get(name) != version for name, version in versions.items()):
                metrics["items_without_transaction"] = str(_items_left_out(ctx, versions))
                lock.check()
                save_checkpoints(ctx, "gold", versions)
            return StageResult(
                status="skipped", metrics=metrics, summary=f"nothing to restate: {why}"
            )
        mark_started(ctx, WRITER, dates)
        written = _restate(ctx, versions, dates, lock)
        metrics["items_without_transaction"] = str(_items_left_out(ctx, versions))
        if mode != "date_range":  # a backfill consumes no changes: the next run still sees them
            lock.check()
            save_checkpoints(ctx, "gold", versions)
        mark_finished(ctx, WRITER)
    targets = gold_targets(config)
    counts = {name: rows_written(spark, targets[name].path, v) for name, v in written.items()}
    scope = "every date" if dates is None else f"{len(dates)} dates ({dates[0]}..{dates[-1]})"
    metrics["restated_dates"] = "all" if dates is None else str(len(dates))
    return StageResult(
        records_read=counts["gold/transactions"] + counts["gold/transaction_items"],
        records_written=sum(counts.values()),
        tables=written,
        metrics=metrics,
        summary=f"{mode} ({why}): restated {scope}, {sum(counts.values())} rows written",
    )
