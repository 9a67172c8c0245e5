"""Which landed files bronze has handled: a Delta table of planned and finished batches.

A batch is planned (its files recorded) before any data is written, and finished after;
a planned batch without a finish is replayed as-is by the next run. Together with Delta
idempotent writes (txnAppId = table, txnVersion = batch id) a crash at any point neither
duplicates nor skips a file.

A new batch id is the state table's version + 1 (or the last id + 1, if higher). Delta
RESTORE keeps a table's txn entries, so an id that only counted the batches left after a
rollback would equal one already recorded, and its writes would be skipped as done. The
plan of batch b is committed at a version >= b - 1 before any other write keyed by b. A
new id is above every id still in the table (last + 1) and every id a rollback removed:
that RESTORE (or DELETE) is a later commit, so the version is now >= b and the id > b.

A pending batch is replayed under its own id, so the state log ends as an uninterrupted
run leaves it. Whether its rows landed is read from the data table itself (lineage), not
from txn entries: after a rollback an entry keyed by the id may stand while its rows are
gone. A replay whose rows are there writes none; one whose rows are absent writes them,
and its rejects and finish, without txn keys (the lock makes it the only writer; what an
earlier attempt committed before it was killed is found by content).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from scout_spark.lake.tables import table
from scout_spark.lake.writes import append, table_version
from scout_spark.sources.discovery import SourceFile

FILE_STATE_SCHEMA = T.StructType(
    [
        T.StructField("batch_id", T.LongType(), False),
        T.StructField("file_path", T.StringType(), False),
        T.StructField("file_size", T.LongType(), False),
        T.StructField("file_modified_ms", T.LongType(), False),
        T.StructField("file_modified_at", T.TimestampType(), False),
        T.StructField("format", T.StringType(), True),
        T.StructField("status", T.StringType(), False),  # planned | ingested | rejected
        T.StructField("rows", T.LongType(), True),
        T.StructField("reason", T.StringType(), True),
        T.StructField("run_id", T.StringType(), False),
        T.StructField("recorded_at", T.TimestampType(), False),
    ]
)
FileKey = tuple[str, int, int]


def file_key(file: SourceFile) -> FileKey:
    """Identity of one delivery: path, size and modification time (ms)."""
    return (file.path, file.size, int(file.modified_at.timestamp() * 1000))


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file of a batch."""

    file: SourceFile
    status: str  # ingested | rejected
    rows: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class StateSnapshot:
    """The dataset's handled files and its unfinished batch, if any."""

    known: set[FileKey]
    last_batch: int
    pending_batch: int | None
    pending_files: list[SourceFile]
    next_batch: int  # the id of a new batch: above every id ever used (module docstring)


REJECTS_SCHEMA = T.StructType(
    [
        T.StructField("file_path", T.StringType(), False),
        T.StructField("file_size", T.LongType(), False),
        T.StructField("file_modified_at", T.TimestampType(), False),
        T.StructField("format", T.StringType(), True),
        T.StructField("reason", T.StringType(), False),
        T.StructField("run_id", T.StringType(), False),
        T.StructField("rejected_at", T.TimestampType(), False),
    ]
)


class FileState:
    """The file-state and file-rejects tables of one bronze dataset (one writer: its lock)."""

    def __init__(self, spark: SparkSession, lake_root: str, dataset: str) -> None:
        self.spark, self.dataset = spark, dataset
        self.target = table(f"bronze/_state/{dataset}_files").target_under(lake_root)
        self.rejects = table(f"bronze/{dataset}_rejected_files").target_under(lake_root)

    def snapshot(self) -> StateSnapshot:
        """Collect the dataset's file keys (one row per file delivery) to the driver."""
        version = table_version(self.spark, self.target.path)
        if version is None:
            return StateSnapshot(set(), 0, None, [], 1)
        rows = (
            self.spark.read.format("delta")
            .option("versionAsOf", version)
            .load(self.target.path)
            .groupBy("batch_id", "file_path", "file_size", "file_modified_ms", "format")
            .agg(
                F.max(F.col("status") != "planned").alias("is_finished"),
                F.min("file_modified_at").alias("file_modified_at"),
            )
            .collect()
        )
        known = {(r["file_path"], r["file_size"], r["file_modified_ms"]) for r in rows}
        last = max((r["batch_id"] for r in rows), default=0)
        unfinished = [r for r in rows if r["batch_id"] == last and not r["is_finished"]]
        pending = [
            SourceFile(
                r["file_path"],
                r["file_size"],
                datetime.fromtimestamp(r["file_modified_ms"] / 1000, UTC),
                r["format"],
            )
            for r in sorted(unfinished, key=lambda r: r["file_path"])
        ]
        next_batch = max(version + 1, last + 1)
        return StateSnapshot(known, last, last if pending else None, pending, next_batch)

    def has_rows_of(self, table_path: str, files: list[SourceFile]) -> bool:
        """Whether the table's current snapshot holds rows of any of `files` (by lineage)."""
        lineage = ("_source_file", "_source_size", "_source_modified_at")
        return bool(_deliveries_in(self.spark, table_path, files, lineage))

    def _append(
        self, batch_id: int, rows: list[tuple], step: str, run_id: str, keyed: bool
    ) -> None:
        now = datetime.now(UTC)
        full = [(batch_id, *row, run_id, now) for row in rows]
        state_df = self.spark.createDataFrame(full, FILE_STATE_SCHEMA)
        txn = (f"{step}-{self.dataset}", batch_id) if keyed else None
        append(self.spark, self.target, state_df, txn=txn)

    def plan(self, batch_id: int, files: list[SourceFile], run_id: str) -> None:
        """Record the batch's files before reading them."""
        rows = [(*file_key(f), f.modified_at, f.format, "planned", None, None) for f in files]
        self._append(batch_id, rows, "bronze-plan", run_id, keyed=True)

    def finish(
        self, batch_id: int, outcomes: list[FileOutcome], run_id: str, *, replayed: bool
    ) -> None:
        """Record each file's outcome; the batch is then done.

        A replay writes without txn keys (module docstring): rejects an earlier attempt
        recorded (killed before its finish) are found by content instead.
        """
        rows = [
            (*file_key(o.file), o.file.modified_at, o.file.format, o.status, o.rows, o.reason)
            for o in outcomes
        ]
        rejected = [o for o in outcomes if o.status == "rejected"]
        if replayed and rejected:
            columns = ("file_path", "file_size", "file_modified_at")
            done = _deliveries_in(
                self.spark, self.rejects.path, [o.file for o in rejected], columns
            )
            rejected = [o for o in rejected if file_key(o.file) not in done]
        if rejected:
            now = datetime.now(UTC)
            rejects_df = self.spark.createDataFrame(
                [
                    (
                        o.file.path,
                        o.file.size,
                        o.file.modified_at,
                        o.file.format,
                        o.reason,
                        run_id,
                        now,
                    )
                    for o in rejected
                ],
                REJECTS_SCHEMA,
            )
            txn = None if replayed else (self.rejects.name, batch_id)
            append(self.spark, self.rejects, rejects_df, txn=txn)
        self._append(batch_id, rows, "bronze-finish", run_id, keyed=not replayed)


def _deliveries_in(
    spark: SparkSession, table_path: str, files: list[SourceFile], columns: tuple[str, str, str]
) -> set[FileKey]:
    """The deliveries among `files` the table's current snapshot holds rows of.

    `columns` name the table's file path, size and modification time columns.
    """
    if not files or table_version(spark, table_path) is None:
        return set()
    path, size, modified = columns
    found = (
        spark.read.format("delta")
        .load(table_path)
        .filter(F.col(path).isin([f.path for f in files]))
        .select(path, size, F.unix_millis(modified).alias("ms"))
        .distinct()
        .collect()
    )
    return {(r[0], r[1], r[2]) for r in found} & {file_key(f) for f in files}
