"""Silver stage input: which rows a run checks (bronze changes, a date range, or the
quarantine to replay) and those rows with their quality rule results."""

from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.context import RunContext
from scout_spark.errors import ScoutError, error_line
from scout_spark.lake.as_of import input_version
from scout_spark.lake.tables import table_path
from scout_spark.lake.writes import read_changes, read_version, table_version
from scout_spark.layers.silver.checks import build_items_after_batch, build_rule_input
from scout_spark.layers.silver.dedup import build_latest_passing
from scout_spark.layers.silver.rules import select_bronze_from_quarantine, with_rule_results
from scout_spark.pipelines.silver_writes import CONSUMER, WRITE_ORDER, read_current
from scout_spark.quality import QualityRules, validate_rule_sql
from scout_spark.records.checkpoints import read_checkpoints
from scout_spark.runtime.jvm import persist


@dataclass(frozen=True)
class RowBatch:
    """The rows one run checks for one dataset, and the bronze version they reach."""

    dataset: str
    bronze_df: DataFrame
    source_version: int | None  # bronze version read up to (None: replayed quarantine)
    described: str


def _in_dates(df: DataFrame, start: date | None, end: date | None) -> DataFrame:
    if start is not None:
        df = df.filter(F.col("_ingest_date") >= F.lit(start))
    return df if end is None else df.filter(F.col("_ingest_date") <= F.lit(end))


def _bronze_batch(ctx: RunContext, mode: str, dataset: str, done: int | None) -> RowBatch | None:
    spark, path = ctx.spark, table_path(ctx.config, f"bronze/{dataset}")
    latest = input_version(spark, ctx.as_of, f"bronze/{dataset}", path)
    if latest is None:
        return None
    if mode == "date_range":
        if done is None:
            return None
        options = ctx.options
        bronze_df = _in_dates(read_version(spark, path, done), options.from_date, options.to_date)
        if bronze_df.isEmpty():
            return None
        return RowBatch(dataset, bronze_df, done, f"bronze v{done}, _ingest_date in range")
    if mode == "full_refresh" or done is None:
        return RowBatch(dataset, read_version(spark, path, latest), latest, f"bronze v0..v{latest}")
    if done > latest:
        raise ScoutError(
            f"silver: bronze/{dataset} is at version {latest} but silver consumed {done}; "
            "bronze was rebuilt: run with --full-refresh"
        )
    if done == latest:
        return None
    try:
        changes_df = read_changes(spark, path, done, latest)
        changes_df.schema  # noqa: B018 - analyse now, as classic does: Connect is lazy
    except Exception as exc:
        reason = error_line(exc)
        raise ScoutError(
            f"silver: cannot read the change feed of bronze/{dataset} after version {done} "
            f"({reason}); run with --full-refresh"
        ) from None
    inserts_df = changes_df.filter(F.col("_change_type") == "insert").drop(
        "_change_type", "_commit_version", "_commit_timestamp"
    )
    return RowBatch(dataset, inserts_df, latest, f"bronze v{done + 1}..v{latest}")


def _replay_batch(spark: SparkSession, path: str, dataset: str) -> RowBatch | None:
    if table_version(spark, path) is None:
        return None
    waiting_df = read_version(spark, path).filter(F.col("replayed_at").isNull())
    if waiting_df.isEmpty():
        return None
    bronze_df = select_bronze_from_quarantine(waiting_df, dataset=dataset)
    return RowBatch(dataset, bronze_df, None, f"{dataset}_quarantine (unreplayed)")


def plan_batches(ctx: RunContext, mode: str) -> dict[str, RowBatch]:
    """Per dataset, the rows this run checks (datasets with nothing new are left out)."""
    if mode == "replay":
        quarantines = {d: table_path(ctx.config, f"silver/{d}_quarantine") for d in WRITE_ORDER}
        found = {d: _replay_batch(ctx.spark, path, d) for d, path in quarantines.items()}
    else:
        done = read_checkpoints(ctx.spark, ctx.config, CONSUMER)
        found = {d: _bronze_batch(ctx, mode, d, done.get(f"bronze/{d}")) for d in WRITE_ORDER}
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
