"""An out-of-memory failure as one line: which stage, which dataset, the heap, what to raise.

A Java heap exhausted in a task or in the driver reaches Python as a Py4J error whose
text names java.lang.OutOfMemoryError; a driver JVM that died of it (exit 52) leaves a
lost Py4J connection. A task result the driver failed to fetch ends the job with
TaskResultLost: in local mode, where nothing else can lose it, a result too large for the
heap (#23: a 480 MB result at 10M transactions). Stages mark what they were working on
with `working_on(dataset)`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from pyspark.sql import SparkSession

from scout_spark.config.driver_memory import SPARK_DEFAULT_DRIVER_MEMORY
from scout_spark.runtime.jvm import driver_memory_setting, jvm_exit_code

_OOM_MARKERS = ("java.lang.OutOfMemoryError", "SparkOutOfMemoryError")
# A lost task result, and the executor being the driver (local mode).
_RESULT_LOST_MARKERS = ("TaskResultLost", "executor driver)")
# How Py4J says the JVM at the other end is gone.
_JVM_GONE_MARKERS = (
    "Answer from Java side is empty",
    "Error while sending or receiving",
    "Error while receiving",
    "Connection refused",
    "Py4JNetworkError",
)
JVM_OOM_EXIT = 52  # SparkExitCode.OOM
_DATASET_NOTE = "scout dataset: "


@contextmanager
def working_on(dataset: str) -> Iterator[None]:
    """Name `dataset` on any exception leaving the block (the innermost name wins)."""
    try:
        yield
    except Exception as exc:
        if dataset_of(exc) is None:
            exc.add_note(f"{_DATASET_NOTE}{dataset}")
        raise


def dataset_of(exc: BaseException) -> str | None:
    """The dataset a stage was working on when `exc` was raised, when it said so."""
    for note in getattr(exc, "__notes__", ()):
        if note.startswith(_DATASET_NOTE):
            return note[len(_DATASET_NOTE) :]
    return None


def _chain_text(exc: BaseException) -> str:
    texts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(texts)


def _jvm_died_of_memory(exc: BaseException, spark: SparkSession | None) -> bool:
    if not any(marker in _chain_text(exc) for marker in _JVM_GONE_MARKERS):
        return False
    return spark is not None and jvm_exit_code(spark) == JVM_OOM_EXIT


def _driver_memory(spark: SparkSession | None) -> str | None:
    if spark is None:
        return None
    try:
        return driver_memory_setting(spark) or SPARK_DEFAULT_DRIVER_MEMORY
    except Exception:  # the JVM is gone: its setting with it
        return None


def out_of_memory_line(
    exc: BaseException, stage: str, spark: SparkSession | None, configured: str | None
) -> str | None:
    """One line for an out-of-memory failure of `stage`; None when `exc` is not one."""
    text = _chain_text(exc)
    died = _jvm_died_of_memory(exc, spark)
    if died:
        what = "the driver JVM died of Java heap memory (java.lang.OutOfMemoryError)"
    elif any(marker in text for marker in _OOM_MARKERS):
        what = "ran out of Java heap memory (java.lang.OutOfMemoryError)"
    elif all(marker in text for marker in _RESULT_LOST_MARKERS):
        what = "a task's result was lost on its way to the driver (TaskResultLost, too large)"
    else:
        return None
    dataset = dataset_of(exc)
    heap = _driver_memory(spark) or configured or "unknown"
    where = f"stage {stage}" + (f", dataset {dataset}" if dataset else "")
    return (
        f"{where}: {what} with a {heap} driver heap: raise spark.driver_memory "
        "(conf/<env>.yaml or --set spark.driver_memory=...) "
        "or spark-submit's --driver-memory, and rerun (rows are neither lost nor duplicated)"
    )
