"""Silver stage input: which rows a run checks (bronze changes, a date range, or the
quarantine to replay) and those rows with their quality rule results."""

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.context import RunContext
from scout_spark.lake.as_of import input_version
from scout_spark.lake.tables import table_path
from scout_spark.lake.writes import read_changes, read_version, table_version
from scout_spark.layers.silver.checks import build_items_after_batch, build_rule_input
from scout_spark.layers.silver.dedup import build_latest_passing
from scout_spark.layers.silver.rules import select_bronze_from_quarantine, with_rule_results
from scout_spark.pipelines.planner import FULL_REFRESH, plan_run
from scout_spark.pipelines.silver_writes import CONSUMER, WRITE_ORDER, read_current
from scout_spark.quality import QualityRules, validate_rule_sql
from scout_spark.records.checkpoints import read_checkpoints
from scout_spark.runtime.jvm import persist


@dataclass(frozen=True)
class RowBatch:
    """The rows one run checks for one dataset, how they are written (`mode`: a dataset
    falls back to full_refresh on its own) and the bronze version they reach."""

    dataset: str
    bronze_df: DataFrame
    source_version: int | None  # bronze version read up to (None: replayed quarantine)
    described: str
    mode: str


def _bronze_changes(spark: SparkSession, path: str, done: int, latest: int) -> DataFrame | None:
    """The rows appended after version `done`, None when there are none. Looking raises an
    unreadable feed's error here, for the planner: the feed is checked when the scan is
    planned, not when the frame is analysed."""
    inserts_df = (
        read_changes(spark, path, done, latest)
        .filter(F.col("_change_type") == "insert")
        .drop("_change_type", "_commit_version", "_commit_timestamp")
    )
    return None if inserts_df.isEmpty() else inserts_df


def _bronze_batch(ctx: RunContext, dataset: str, done: int | None) -> RowBatch | None:
    spark, name = ctx.spark, f"bronze/{dataset}"
    path = table_path(ctx.config, name)
    latest = input_version(spark, ctx.as_of, name, path)
    if latest is None:
        return None
    plan = plan_run(
        dates=ctx.options.dates, full_refresh=ctx.options.full_refresh, built=True,
        key_input=name, versions={name: latest}, done={} if done is None else {name: done},
        read_changes=lambda: _bronze_changes(spark, path, done, latest),  # type: ignore[arg-type]
    )  # fmt: skip
    if plan.dates is not None:  # rows of those _ingest_dates, as of the consumed version
        if done is None:
            return None
        in_range = F.col("_ingest_date").between(plan.dates.start, plan.dates.end)
        bronze_df = read_version(spark, path, done).filter(in_range)
        if bronze_df.isEmpty():
            return None
        described = f"bronze v{done}, _ingest_date in {plan.dates}"
        return RowBatch(dataset, bronze_df, done, described, plan.mode)
    if plan.mode == FULL_REFRESH:
        full_df = read_version(spark, path, latest)
        return RowBatch(dataset, full_df, latest, f"bronze v0..v{latest} ({plan.why})", plan.mode)
    if plan.unchanged:
        return None
    described = f"bronze v{(done or 0) + 1}..v{latest}"
    return RowBatch(dataset, plan.changes, latest, described, plan.mode)


def _replay_batch(spark: SparkSession, path: str, dataset: str) -> RowBatch | None:
    if table_version(spark, path) is None:
        return None
    waiting_df = read_version(spark, path).filter(F.col("replayed_at").isNull())
    if waiting_df.isEmpty():
        return None
    bronze_df = select_bronze_from_quarantine(waiting_df, dataset=dataset)
    return RowBatch(dataset, bronze_df, None, f"{dataset}_quarantine (unreplayed)", "replay")


def plan_batches(ctx: RunContext, mode: str) -> dict[str, RowBatch]:
    """Per dataset, the rows this run checks (datasets with nothing new are left out)."""
    if mode == "replay":
        quarantines = {d: table_path(ctx.config, f"silver/{d}_quarantine") for d in WRITE_ORDER}
        found = {d: _replay_batch(ctx.spark, path, d) for d, path in quarantines.items()}
    else:
        done = read_checkpoints(ctx.spark, ctx.config, CONSUMER)
        found = {d: _bronze_batch(ctx, d, done.get(f"bronze/{d}")) for d in WRITE_ORDER}
    return {d: batch for d, batch in found.items() if batch is not None}


def _check_facts(ctx: RunContext, checked: dict[str, DataFrame]) -> tuple[DataFrame, DataFrame]:
    """(items, store ids) the transactions' warn rules look up: silver as pinned before any
    write, with this run's passing items and stores in place."""
    items_df = read_current(ctx.spark, ctx.config, "items")
    stores_df = read_current(ctx.spark, ctx.config, "stores").select("store_id")
    if "items" in checked:
        items_df = build_items_after_batch(
            items_df, batch_items_df=build_latest_passing(checked["items"], dataset="items")
        )
    if "stores" in checked:
        stores_df = stores_df.unionByName(
            build_latest_passing(checked["stores"], dataset="stores").select("store_id")
        )
    return items_df, stores_df


def _rule_input(
    ctx: RunContext,
    rules: QualityRules,
    dataset: str,
    bronze_df: DataFrame,
    facts: tuple[DataFrame, DataFrame] | None,
) -> DataFrame:
    items_df, stores_df = facts if facts is not None else (None, None)
    return build_rule_input(
        bronze_df,
        dataset=dataset,
        timezone=ctx.config.timezone,
        payment_methods=rules.payment_methods,
        items_df=items_df,
        stores_df=stores_df,
        checked_at=ctx.who.started_at,
    )


def check_batches(
    ctx: RunContext, rules: QualityRules, batches: dict[str, RowBatch]
) -> dict[str, DataFrame]:
    """Per dataset (dimensions and items first), rows with rule results, persisted on disk."""
    checked: dict[str, DataFrame] = {}
    for dataset in WRITE_ORDER:
        if dataset in batches:
            facts = _check_facts(ctx, checked) if dataset == "transactions" else None
            input_df = _rule_input(ctx, rules, dataset, batches[dataset].bronze_df, facts)
            validate_rule_sql(rules, inputs={dataset: input_df}, datasets=(dataset,))
            # Read by the counts, the quarantine and the MERGE: kept on local disk, not in
            # the heap, where a batch's cached columns exhausted a 1 GB driver (#23).
            checked[dataset] = persist(
                input_df.transform(with_rule_results, rules=rules.for_dataset(dataset)),
                on_disk=True,
            )
    return checked
