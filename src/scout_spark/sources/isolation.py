"""Find the files that sink a batch: gone or replaced since listed, or unreadable on their own."""

from collections.abc import Collection

from pyspark.sql import SparkSession

from scout_spark.runtime.filesystem import HadoopFs
from scout_spark.sources.discovery import SourceFile
from scout_spark.sources.preflight import rejection_reason
from scout_spark.sources.readers import read_files

REMOVED = "file removed before it was read"
REPLACED = "file replaced before it was read (read as a new delivery next run)"


def vanished_reason(fs: HadoopFs, file: SourceFile) -> str | None:
    """Why the listed delivery is no longer there to read, or None when it still is.

    A replaced file (size or modification time differ) is another delivery, with its own
    key: it is discovered again next run, so this one must not be read in its name.
    Times compare to the second: listings and status calls may differ below it.
    """
    entry = fs.status(file.path)
    if entry is None:
        return REMOVED
    is_replaced = file.format != "delta" and (
        entry.size != file.size
        or int(entry.modified_at.timestamp()) != int(file.modified_at.timestamp())
    )
    return REPLACED if is_replaced else None


def early_reason(fs: HadoopFs, file: SourceFile, *, is_replay: bool) -> str | None:
    """Cheap checks before reading: still there (on a replay, time has passed), then preflight."""
    if is_replay and (reason := vanished_reason(fs, file)):
        return reason
    try:
        return rejection_reason(fs, file)
    except Exception:
        if reason := vanished_reason(fs, file):
            return reason
        raise


def unreadable_files(
    spark: SparkSession, fs: HadoopFs, files: list[SourceFile], *, columns: Collection[str]
) -> dict[str, str | Exception]:
    """After a failed batch: each file that is gone, replaced, or fails to read on its own.

    Every format is probed with the reader the batch uses; the value is a reason, or the
    exception for the caller to describe (or raise, when storage itself failed).
    """
    bad: dict[str, str | Exception] = {}
    for file in files:
        if reason := vanished_reason(fs, file):
            bad[file.path] = reason
            continue
        try:
            for probe_df in read_files(spark, fs, [file], columns=columns).frames:
                probe_df.write.format("noop").mode("overwrite").save()
        except Exception as exc:
            bad[file.path] = exc
    return bad
