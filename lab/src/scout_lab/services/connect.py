"""A Spark Connect server on 127.0.0.1, from the pyspark wheel, as a platform would run one.

It holds what only a server can: the master, the pinned jars, Delta's SQL extension and
catalog, S3A settings for the local endpoint, the driver's memory. Nothing else of ours:
clients (SPARK_REMOTE=sc://127.0.0.1:PORT) bring only runtime SQL settings. Python workers
(UDFs, mapInArrow) run the repo's own interpreter and package, as a platform runs the wheel.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from scout_lab.services import s3
from scout_lab.services.s3 import _LAUNCHER, _terminate
from scout_lab.services.state import (
    LOOPBACK,
    ServiceStatus,
    choose_port,
    process_cmdline,
    read_int,
    repo_root,
)
from scout_spark.errors import SetupError
from scout_spark.jars import resolved_jars

NAME = "connect"
DEFAULT_PORT = 15002  # Spark Connect's own default
PORT_ENV = "SCOUT_CONNECT_PORT"
SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
DRIVER_MEMORY = "2g"
START_TIMEOUT_S = 180.0
DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}


def _pid_file(folder: Path) -> Path:
    return folder / "connect.pid"


def _port_file(folder: Path) -> Path:
    return folder / "connect.port"


def log_file(folder: Path) -> Path:
    """The server's log (spark-submit's stdout and stderr)."""
    return folder / "connect.log"


def remote(port: int) -> str:
    """The address a client gives as SPARK_REMOTE."""
    return f"sc://{LOOPBACK}:{port}"


def server_command(port: int, s3_endpoint: str | None, *, delta: bool = True) -> list[str]:
    """spark-submit of the Connect server: local[2], pinned jars, Delta, S3A to the endpoint."""
    spark_submit = Path(sys.executable).parent / "spark-submit"
    if not spark_submit.is_file():
        raise SetupError(f"{spark_submit} not found: run scripts/setup.sh (installs pyspark)")
    conf = {
        "spark.connect.grpc.binding.address": LOOPBACK,
        "spark.connect.grpc.binding.port": str(port),
        "spark.driver.host": LOOPBACK,
        "spark.driver.bindAddress": LOOPBACK,
        "spark.ui.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.endpoint.region": s3.REGION,
        **(DELTA_CONF if delta else {}),
    }
    if s3_endpoint:
        conf["spark.hadoop.fs.s3a.endpoint"] = s3_endpoint
    args = [str(spark_submit), "--master", "local[2]", "--class", SERVER_CLASS]
    # On the class path, not --jars: local[2] would copy them per start (see session.py).
    args += ["--driver-class-path", os.pathsep.join(str(p) for p in resolved_jars())]
    args += ["--driver-memory", DRIVER_MEMORY]
    log4j = repo_root() / "conf" / "log4j2.properties"
    args += [
        "--driver-java-options",
        f"-Daws.disableEc2Metadata=true -Dlog4j2.configurationFile={log4j.as_uri()}",
    ]
    for key, value in conf.items():
        args += ["--conf", f"{key}={value}"]
    return [*args, "spark-internal"]


def _server_env(s3_now: ServiceStatus) -> dict[str, str]:
    env = dict(os.environ)
    # A client's SPARK_REMOTE must not turn the server itself into a client.
    env.pop("SPARK_REMOTE", None)
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    env |= {
        "SPARK_LOCAL_IP": LOOPBACK,
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": str(repo_root() / "src"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if s3_now.is_running:
        env |= {"AWS_ACCESS_KEY_ID": s3.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": s3.SECRET_KEY}
    return env


def _is_ours(pid: int, port: int) -> bool:
    args = process_cmdline(pid)
    if not args or SERVER_CLASS not in args:
        return False
    return f"spark.connect.grpc.binding.port={port}" in args


def answers(port: int, timeout_s: float = 2.0) -> bool:
    """True when something accepts a TCP connection on the gRPC port."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def was_started(folder: Path) -> bool:
    """True once `start` recorded a server in this state folder (until `stop`)."""
    return _pid_file(folder).is_file()


def status(folder: Path) -> ServiceStatus:
    """Running when our recorded server is alive and its port accepts connections."""
    pid, port = read_int(_pid_file(folder)), read_int(_port_file(folder))
    if pid is None or port is None:
        return ServiceStatus(NAME, is_running=False)
    if not _is_ours(pid, port):
        return ServiceStatus(NAME, is_running=False, detail="stale pid file")
    if not answers(port):
        return ServiceStatus(NAME, is_running=False, pid=pid, port=port, detail="not answering")
    return ServiceStatus(NAME, is_running=True, port=port, pid=pid, endpoint=remote(port))


def _wait_healthy(pid: int, port: int, folder: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process_cmdline(pid) is None:
            tail = "".join(log_file(folder).read_text(errors="replace").splitlines(True)[-5:])
            raise SetupError(
                f"Spark Connect server exited at start; see {log_file(folder)}:\n{tail}"
            )
        if answers(port, timeout_s=1.0):
            return
        time.sleep(0.5)
    _terminate(pid)
    raise SetupError(f"Spark Connect server did not answer within {START_TIMEOUT_S:.0f}s")


def start(folder: Path, *, delta: bool = True) -> ServiceStatus:
    """Start the server unless ours already runs (S3A points at our S3 endpoint if it runs)."""
    current = status(folder)
    if current.is_running:
        return current
    if current.pid is not None:
        _terminate(current.pid)
    s3_now = s3.status(folder)
    port = choose_port(NAME, PORT_ENV, DEFAULT_PORT)
    command = server_command(port, s3_now.endpoint if s3_now.is_running else None, delta=delta)
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(log_file(folder)), *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
        env=_server_env(s3_now),
    )
    pid = int(launched.stdout.split()[0])
    _pid_file(folder).write_text(f"{pid}\n")
    _port_file(folder).write_text(f"{port}\n")
    _wait_healthy(pid, port, folder)
    return status(folder)


def stop(folder: Path) -> ServiceStatus:
    """Stop our server if it runs; forget stale pid files either way."""
    pid, port = read_int(_pid_file(folder)), read_int(_port_file(folder))
    if pid is not None and port is not None and _is_ours(pid, port):
        _terminate(pid, timeout_s=30.0)
    _pid_file(folder).unlink(missing_ok=True)
    _port_file(folder).unlink(missing_ok=True)
    return ServiceStatus(NAME, is_running=False)
