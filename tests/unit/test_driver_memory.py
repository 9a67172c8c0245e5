"""spark.driver_memory: what scripts/spark-submit passes, and the warning when it is too late."""

import dataclasses

import pytest
from pyspark.sql import SparkSession

from scout_spark.config import Config, load_config
from scout_spark.config.driver_memory import memory_mib
from scout_spark.config.submit_memory import configured_driver_memory
from scout_spark.errors import ConfigError
from scout_spark.session import driver_memory_warning

JOB = ["--master", "local[2]", "jobs/run_pipeline.py"]


def test_spark_submit_gets_the_env_memory_unless_the_command_line_sets_it() -> None:
    assert configured_driver_memory([*JOB, "--env", "local"]) == "4g"  # conf/local.yaml
    assert configured_driver_memory([*JOB, "--set", "spark.driver_memory=700m"]) == "700m"
    assert configured_driver_memory(["--driver-memory", "2g", *JOB[2:], "--env", "local"]) is None
    explicit_conf = ["--conf", "spark.driver.memory=2g", *JOB[2:]]
    assert configured_driver_memory(explicit_conf) is None
    assert configured_driver_memory([*JOB, "--env", "dev", "--set", "spark.colour=red"]) is None
    assert configured_driver_memory(["--version"]) is None


def test_memory_sizes_read_as_spark_reads_them() -> None:
    assert memory_mib("4g") == memory_mib("4096m") == memory_mib("4096") == 4096
    assert memory_mib("512k") == 0.5 and memory_mib("1gb") == 1024
    assert memory_mib("lots") is None


def test_a_driver_memory_that_is_not_a_size_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"spark\.driver_memory"):
        load_config("local", overrides=["spark.driver_memory=4 gigs"])


def test_a_setting_the_running_driver_cannot_take_is_one_warning_line(
    spark: SparkSession, test_config: Config
) -> None:
    def wanting(memory: str | None) -> Config:
        return dataclasses.replace(
            test_config, spark=dataclasses.replace(test_config.spark, driver_memory=memory)
        )

    running = test_config.spark.driver_memory  # what the test session's driver started with
    assert running and driver_memory_warning(spark, wanting(running)) is None
    assert driver_memory_warning(spark, wanting(f"{int(memory_mib(running) or 0)}m")) is None
    assert driver_memory_warning(spark, wanting(None)) is None
    warning = driver_memory_warning(spark, wanting("5g"))
    assert warning is not None and "\n" not in warning
    assert (
        f"spark.driver_memory 5g cannot take effect, the driver JVM already runs with {running}"
        in warning
    )
    assert "scripts/spark-submit" in warning and "on the cluster" in warning
