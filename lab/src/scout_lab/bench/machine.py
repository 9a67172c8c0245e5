"""What the figures were measured on: cores, memory, CPU, versions."""

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.publish.connection import connect
from scout_spark.runtime.jvm import java_version, master


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / (1 << 20), 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info(spark: SparkSession, config: Config) -> dict[str, Any]:
    """The machine and software the benchmark ran on."""
    with connect(config.postgres, autocommit=True) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return {
        "cores": os.cpu_count(),
        "memory_gib": _meminfo_gib(),
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "java": java_version(spark),
        "spark": spark.version,
        "spark_master": master(spark),
        "driver_memory": config.spark.driver_memory,
        "delta_spark": _version("delta-spark"),
        "postgres": postgres,
        "duckdb": _version("duckdb"),
        "pgpq": _version("pgpq"),
    }
