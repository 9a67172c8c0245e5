"""The bronze stage: every landed file ingested exactly once, raw, with lineage.

Per dataset, under the dataset's lock: replay an unfinished batch or plan a new one from
the files not yet handled, reject unreadable files, append the rows with a Delta
idempotent write (txnAppId bronze-<dataset>, txnVersion = batch id; a replay: see
sources/file_state.py), record outcomes.
"""

from dataclasses import dataclass

from scout_spark.context import RunContext
from scout_spark.errors import ScoutError
from scout_spark.lake.lock import TableLock
from scout_spark.lake.tables import delta_target, table_path
from scout_spark.lake.writes import append, table_version
from scout_spark.layers.bronze.lineage import file_pieces, with_lineage
from scout_spark.layers.bronze.shape import select_bronze
from scout_spark.parallel import for_each
from scout_spark.pipelines.bronze_options import BronzeOptions
from scout_spark.records.crash import crash_point
from scout_spark.results import StageResult, TableVersions
from scout_spark.runtime.error_text import describe_error, failure_text, redact
from scout_spark.runtime.filesystem import HadoopFs, open_fs
from scout_spark.runtime.memory_failure import working_on
from scout_spark.schemas import DATASETS, SCHEMAS
from scout_spark.sources.discovery import Discovery, SourceFile, date_of, discover
from scout_spark.sources.file_state import FileOutcome, FileState, file_key
from scout_spark.sources.isolation import early_reason, unreadable_files
from scout_spark.sources.readers import read_files


@dataclass(frozen=True)
class FileBatch:
    """The files one run ingests for one dataset."""

    batch_id: int
    files: list[SourceFile]
    replayed: bool  # planned by an earlier run that did not finish it (recorded already)
    landed: bool = False  # a replay whose rows are in the table already: nothing to write


MAX_ATTEMPTS = 3
MAX_REASONS_IN_RECORD = 20
MAX_REASON_CHARS = 400


def _write_batch(
    ctx: RunContext,
    fs: HadoopFs,
    dataset: str,
    batch: FileBatch,
    files: list[SourceFile],
    lock: TableLock,
) -> tuple[dict[str, int], dict[str, str]]:
    """Append the files' rows (once: module docstring); rows per file and files rejected."""
    spark = ctx.spark
    read = read_files(spark, fs, files, columns=[f.name for f in SCHEMAS[dataset].fields])
    if not read.frames:
        return {}, read.rejected
    by_uri = {fs.uri_of(f.path): f for f in files}
    pieces_df, counts = file_pieces(spark, dataset, by_uri, read.frames[0])
    if batch.landed:  # the counts for its outcomes are all a landed replay needs
        return counts, read.rejected
    bronze_df = select_bronze(
        with_lineage(
            read.frames[0],
            pieces_df=pieces_df,
            ingested_at=ctx.who.started_at,
            run_id=ctx.who.run_id,
        ),
        dataset=dataset,
    )
    lock.check()
    append(
        spark, delta_target(ctx.config, f"bronze/{dataset}"), bronze_df,
        txn=None if batch.replayed else (f"bronze-{dataset}", batch.batch_id), merge_schema=True,
    )  # fmt: skip
    return counts, read.rejected


def _isolate(
    ctx: RunContext, fs: HadoopFs, dataset: str, files: list[SourceFile]
) -> dict[str, str]:
    """The batch's bad files with one-line reasons; a storage failure is raised, not blamed."""
    columns = [f.name for f in SCHEMAS[dataset].fields]
    reasons: dict[str, str] = {}
    for path, problem in unreadable_files(ctx.spark, fs, files, columns=columns).items():
        if isinstance(problem, str):
            reasons[path] = problem
            continue
        if describe_error(problem, ctx.config).startswith("cannot reach storage"):
            raise problem
        file_format = next(f.format for f in files if f.path == path)
        reason = f"cannot read {file_format} file: {failure_text(problem)}"
        reasons[path] = redact(reason, ctx.config)[:MAX_REASON_CHARS]  # redact, then cut
    return reasons


def _ingest(
    ctx: RunContext, fs: HadoopFs, dataset: str, batch: FileBatch, lock: TableLock
) -> list[FileOutcome]:
    """Reject files gone or unreadable, write the rest; a failed write isolates the bad files."""
    reasons = {
        f.path: r for f in batch.files if (r := early_reason(fs, f, is_replay=batch.replayed))
    }
    counts: dict[str, int] = {}
    for _attempt in range(MAX_ATTEMPTS):
        readable = [f for f in batch.files if f.path not in reasons]
        if not readable:
            break
        try:
            counts, rejected = _write_batch(ctx, fs, dataset, batch, readable, lock)
            reasons.update(rejected)
            break
        except ScoutError:
            raise
        except Exception as exc:
            newly_bad = _isolate(ctx, fs, dataset, readable)
            if not newly_bad:
                raise ScoutError(
                    f"bronze {dataset}: batch {batch.batch_id} fails to write though each of "
                    f"its files reads alone: {describe_error(exc, ctx.config)}"
                ) from exc
            reasons.update(newly_bad)
    else:
        raise ScoutError(f"bronze {dataset}: batch {batch.batch_id} still fails to read")
    return [
        FileOutcome(f, "rejected", reason=reasons[f.path])
        if f.path in reasons
        else FileOutcome(f, "ingested", rows=counts.get(f.path, 0))
        for f in batch.files
    ]


def _plan(
    ctx: RunContext, fs: HadoopFs, dataset: str, state: FileState
) -> tuple[FileBatch, Discovery]:
    """The unfinished batch to replay, else the files not handled yet (up to --run-date)."""
    config = ctx.config
    snapshot = state.snapshot()
    found = discover(
        fs, config.source.root, getattr(config.source.datasets, dataset),
        config.source.marker_file, backfill=ctx.options.backfill,
    )  # fmt: skip
    for part in found.waiting:
        ctx.progress(
            f"{dataset}: waiting for {config.source.marker_file} in {part.folder} "
            f"({part.files} files, newest {part.age_seconds / 60:.0f} min old)"
        )
    if ctx.run_date is not None:  # a scheduled run for date D takes nothing dated after D
        dated = [f for f in found.files if (date_of(f.path) or ctx.run_date) <= ctx.run_date]
        found = Discovery(dated, found.waiting)
    pending = snapshot.pending_files
    if snapshot.pending_batch is not None:  # its own id; landed or not: see file_state
        landed = state.has_rows_of(table_path(config, f"bronze/{dataset}"), pending)
        return FileBatch(snapshot.pending_batch, pending, replayed=True, landed=landed), found
    new = [f for f in found.files if file_key(f) not in snapshot.known]
    return FileBatch(snapshot.next_batch, new, replayed=False), found


def ingest_dataset(ctx: RunContext, dataset: str) -> StageResult:
    """Ingest one dataset's new files (or replay its unfinished batch) under its lock."""
    config, spark = ctx.config, ctx.spark
    fs = open_fs(spark, config.source.root, config.s3)
    with TableLock(spark, config, f"bronze_{dataset}", ctx.who.run_id) as lock:
        state = FileState(spark, config.lake.root, dataset)
        batch, found = _plan(ctx, fs, dataset, state)
        metrics = _metrics(found, batch)
        if not batch.files:
            return StageResult(
                status="skipped", metrics=metrics, summary=f"{dataset}: no new files"
            )
        ctx.progress(f"{dataset}: batch {batch.batch_id}, {len(batch.files)} files")
        bronze = delta_target(config, f"bronze/{dataset}")
        if not batch.replayed:
            lock.check()
            state.plan(batch.batch_id, batch.files, ctx.who.run_id)
        crash_point("bronze.after_plan")
        before = table_version(spark, bronze.path)
        outcomes = _ingest(ctx, fs, dataset, batch, lock)
        crash_point("bronze.after_data_commit")
        lock.check()
        state.finish(batch.batch_id, outcomes, ctx.who.run_id, replayed=batch.replayed)
    rows = sum(o.rows for o in outcomes)
    rejected = [o for o in outcomes if o.status == "rejected"]
    for o in rejected:
        ctx.progress(f"{dataset}: rejected {o.file.path}: {o.reason}")
    ingested = len(outcomes) - len(rejected)
    ctx.progress(f"{dataset}: {rows:,} rows from {ingested} files")
    metrics.update(files_ingested=str(ingested), files_rejected=str(len(rejected)))
    if rejected:  # the run's record names them too, not only the rejected-files table
        shown = [f"{o.file.path}: {o.reason}" for o in rejected[:MAX_REASONS_IN_RECORD]]
        more = len(rejected) - len(shown)
        metrics["rejected"] = "; ".join([*shown, *([f"and {more} more"] if more else [])])
    return StageResult(
        records_read=rows,
        records_written=rows,
        tables={bronze.name: TableVersions(before, table_version(spark, bronze.path))},
        metrics=metrics,
        summary=(
            f"{dataset}: {len(outcomes) - len(rejected)} files, {rows} rows"
            f"{f', {len(rejected)} rejected' if rejected else ''}"
            f"{' (replayed unfinished batch)' if batch.replayed else ''}"
        ),
    )


def _metrics(found: Discovery, batch: FileBatch) -> dict[str, str]:
    return {
        "files_seen": str(len(found.files)),
        "files_new": str(len(batch.files)),
        "files_waiting": str(sum(p.files for p in found.waiting)),
        "partitions_waiting": str(len(found.waiting)),
        "batch_id": str(batch.batch_id),
    }


def _ingest_named(ctx: RunContext, dataset: str) -> StageResult:
    with working_on(dataset):  # a failure names the dataset (an out-of-memory one too)
        return ingest_dataset(ctx, dataset)


def run_bronze(ctx: RunContext[BronzeOptions]) -> StageResult:
    """The bronze stage over one dataset or all; one ledger part per dataset."""
    dataset = ctx.options.dataset
    datasets = DATASETS if dataset == "all" else (dataset,)
    # Datasets have their own locks and tables: ingesting them at once overlaps the latency
    # of their many small Spark jobs and Delta commits.
    parts = dict(zip(datasets, for_each(lambda d: _ingest_named(ctx, d), datasets), strict=True))
    written = [p for p in parts.values() if p.status != "skipped"]
    return StageResult(
        status="succeeded" if written else "skipped",
        records_read=sum(p.records_read for p in parts.values()),
        records_written=sum(p.records_written for p in parts.values()),
        tables={k: v for p in parts.values() for k, v in p.tables.items()},
        parts=parts,
        summary="; ".join(p.summary for p in parts.values()),
    )
