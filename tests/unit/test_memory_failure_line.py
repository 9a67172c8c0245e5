"""Which failures read as memory failures: a lost task result only where the driver is the
executor (local mode), where nothing but its heap can lose it."""

from scout_spark.runtime.memory_failure import out_of_memory_line


def _lost_result(executor: str) -> Exception:
    return Exception(
        "An error occurred while calling z:org.apache.spark.api.python.PythonRDD.runJob.\n"
        ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage "
        f"41.0 failed 1 times, most recent failure: Lost task 0.0 in stage 41.0 (TID 300) "
        f"({executor}): TaskResultLost (result lost from block manager)"
    )


def test_a_result_lost_in_local_mode_is_a_memory_failure() -> None:
    line = out_of_memory_line(_lost_result("localhost executor driver"), "publish", None, "1g")

    assert line is not None
    assert line.startswith("stage publish: a task's result was lost on its way to the driver")
    assert "with a 1g driver heap: raise spark.driver_memory" in line


def test_a_result_lost_with_a_cluster_executor_is_not_called_a_memory_failure() -> None:
    # An executor that died takes its results with it: not the driver's heap.
    exc = _lost_result("10.0.3.7 executor 4")

    assert out_of_memory_line(exc, "publish", None, "1g") is None
