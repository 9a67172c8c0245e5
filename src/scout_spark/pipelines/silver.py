"""The silver stage: bronze rows added since the last run -> typed, checked, deduplicated.

Modes: incremental (default; bronze's change feed after the versions silver consumed, kept
in `_ops/checkpoints`, consumer `silver`), --full-refresh (silver and quarantine rebuilt
from all of bronze; also per dataset when the planner falls back: no checkpoint yet, bronze
rebuilt, its change feed unreadable), --from-date/--to-date (bronze rows of those
_ingest_dates, as of the consumed versions, merged again), --replay-quarantine (unreplayed
quarantined rows checked with the current rules; passing ones merged into silver once and
marked replayed).
Every dataset is checked before anything is written, so a `fail` rule writes nothing.
Writes per dataset: quarantine (appends only the _row_ids not already there), silver
MERGE (idempotent), and the checkpoint last: a rerun after a crash yields the same silver.
"""

from pyspark.sql import DataFrame, Row

from scout_spark.context import RunContext
from scout_spark.errors import ScoutError
from scout_spark.lake.lock import TableLock
from scout_spark.layers.silver.dedup import BATCH_KEYS
from scout_spark.layers.silver.rules import build_rule_counts
from scout_spark.pipelines.silver_batches import RowBatch, check_batches, plan_batches
from scout_spark.pipelines.silver_options import SilverOptions
from scout_spark.pipelines.silver_writes import CONSUMER, DatasetWrite, write_dataset
from scout_spark.quality import QualityRules, load_quality_rules
from scout_spark.records.checkpoints import save_checkpoints
from scout_spark.results import StageResult
from scout_spark.runtime.jvm import unpersist
from scout_spark.runtime.memory_failure import working_on


def _count(checked_df: DataFrame, rules: QualityRules, dataset: str) -> Row:
    """The one-row rule counts of a checked dataset (a single aggregate job)."""
    row = build_rule_counts(
        checked_df, rules=rules.for_dataset(dataset), keys=BATCH_KEYS[dataset]
    ).first()
    if row is None:  # an aggregate without grouping always has one row
        raise ScoutError(f"silver: no rule counts for {dataset}")
    return row


def _stop_on_fail(rules: QualityRules, counts: dict[str, Row]) -> None:
    broken = [
        f"{dataset} rule '{rule.name}' failed for {counts[dataset][f'failures_{rule.name}']} "
        f"of {counts[dataset]['rows_checked']} rows"
        for dataset in counts
        for rule in rules.for_dataset(dataset)
        if rule.severity == "fail" and counts[dataset][f"failures_{rule.name}"] > 0
    ]
    if broken:
        raise ScoutError(f"silver: fail rule broken, nothing written: {'; '.join(broken)}")


def _part(write: DatasetWrite, counts: Row, batch: RowBatch) -> StageResult:
    read, clean = int(counts["rows_checked"]), int(counts["rows_clean"])
    failures = {
        f"rule.{k.removeprefix('failures_')}": str(v)
        for k, v in counts.asDict().items()
        if k.startswith("failures_")
    }
    metrics = {
        "mode": batch.mode,
        "source": batch.described,
        "rows_clean": str(clean),
        "rows_warned": str(counts["rows_warned"]),
        **failures,
        **write.metrics,
    }
    return StageResult(
        records_read=read,
        records_written=int(counts["keys_passing"]),
        records_quarantined=int(counts["rows_quarantined"]),
        duplicates_collapsed=int(counts["rows_passing"]) - int(counts["keys_passing"]),
        data_quality_score=clean / read if read else None,
        tables=write.tables,
        metrics=metrics,
        summary=(
            f"{batch.dataset}: read {read}, merged {counts['keys_passing']}, quarantined "
            f"{counts['rows_quarantined']}, duplicates "
            f"{int(counts['rows_passing']) - int(counts['keys_passing'])}"
        ),
    )


def _total(mode: str, parts: dict[str, StageResult]) -> StageResult:
    read = sum(p.records_read for p in parts.values())
    clean = sum(int(p.metrics["rows_clean"]) for p in parts.values())
    return StageResult(
        records_read=read,
        records_written=sum(p.records_written for p in parts.values()),
        records_quarantined=sum(p.records_quarantined for p in parts.values()),
        duplicates_collapsed=sum(p.duplicates_collapsed for p in parts.values()),
        data_quality_score=clean / read if read else None,
        tables={name: v for p in parts.values() for name, v in p.tables.items()},
        metrics={
            "mode": mode,
            **{f"{d}.{k}": v for d, p in parts.items() for k, v in p.metrics.items()},
        },
        parts=parts,
        summary=f"{mode}; " + "; ".join(p.summary for p in parts.values()),
    )


def run_silver(ctx: RunContext[SilverOptions]) -> StageResult:
    """The silver stage (see the module docstring)."""
    mode = ctx.options.mode
    rules = load_quality_rules(ctx.options.quality_rules)
    spark, config = ctx.spark, ctx.config
    with TableLock(spark, config, "silver", ctx.who.run_id) as lock:
        batches = plan_batches(ctx, mode)
        if not batches:
            nothing = "no quarantined rows to replay" if mode == "replay" else "no new bronze rows"
            return StageResult(status="skipped", metrics={"mode": mode}, summary=nothing)
        checked = check_batches(ctx, rules, batches)
        try:
            counts = {}
            for d, df in checked.items():
                with working_on(d):  # a failure names the dataset
                    counts[d] = _count(df, rules, d)
                ctx.progress(f"{d}: checked {counts[d]['rows_checked']:,} rows, "
                          f"{counts[d]['rows_quarantined']:,} to quarantine")  # fmt: skip
            _stop_on_fail(rules, counts)
            writes = {}
            for d in checked:
                with working_on(d):
                    writes[d] = write_dataset(
                        ctx,
                        batches[d].mode,
                        d,
                        checked[d],
                        quarantined=int(counts[d]["rows_quarantined"]),
                        passing=int(counts[d]["rows_passing"]),
                        check_lock=lock.check,
                    )
                ctx.progress(f"{d}: written ({len(writes)} of {len(checked)} datasets)")
            if mode in ("incremental", "full_refresh"):
                lock.check()
                save_checkpoints(
                    ctx, CONSUMER, {f"bronze/{d}": b.source_version for d, b in batches.items()}
                )
        finally:
            for df in checked.values():
                unpersist(df)
    parts = {d: _part(writes[d], counts[d], batches[d]) for d in checked}
    return _total(mode, parts)
