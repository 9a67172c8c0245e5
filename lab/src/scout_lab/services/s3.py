"""The S3-compatible endpoint: a detached moto server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from scout_lab.services.state import (
    LOOPBACK,
    ServiceStatus,
    choose_port,
    process_cmdline,
    read_int,
)
from scout_spark.errors import SetupError

NAME = "s3"
DEFAULT_PORT = 9090
PORT_ENV = "SCOUT_S3_PORT"
# Throwaway keys for a loopback mock that accepts any signature: not secrets.
ACCESS_KEY = "scout-local"
SECRET_KEY = "scout-local-secret"
REGION = "us-east-1"
START_TIMEOUT_S = 30.0

# Runs the server in its own session and exits at once, so the server is nobody's child here.
_LAUNCHER = """\
import os, subprocess, sys
with open(sys.argv[1], "wb") as log:
    proc = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True, close_fds=True)
print(proc.pid, flush=True)
os._exit(0)
"""


def _pid_file(folder: Path) -> Path:
    return folder / "s3.pid"


def _port_file(folder: Path) -> Path:
    return folder / "s3.port"


def log_file(folder: Path) -> Path:
    """The moto server's log."""
    return folder / "s3.log"


def endpoint(port: int) -> str:
    """The endpoint URL clients use."""
    return f"http://{LOOPBACK}:{port}"


def _moto_command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "moto_server"
    if not script.is_file():
        raise SetupError(f"{script} not found: run scripts/setup.sh to install moto[server]")
    return [str(script), "-H", LOOPBACK, "-p", str(port)]


def _is_ours(pid: int, port: int) -> bool:
    """True when pid is alive and is a moto server we started on that port."""
    args = process_cmdline(pid)
    if not args or not any(arg.endswith("moto_server") for arg in args):
        return False
    return ["-p", str(port)] == args[-2:] and LOOPBACK in args


def answers(port: int, timeout_s: float = 2.0) -> bool:
    """True when an HTTP GET on the endpoint gets any HTTP answer (no proxies)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(endpoint(port) + "/", timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def status(folder: Path) -> ServiceStatus:
    """Running when our recorded process is alive and its endpoint answers."""
    pid, port = read_int(_pid_file(folder)), read_int(_port_file(folder))
    if pid is None or port is None:
        return ServiceStatus(NAME, is_running=False)
    if not _is_ours(pid, port):
        return ServiceStatus(NAME, is_running=False, detail="stale pid file")
    if not answers(port):
        return ServiceStatus(NAME, is_running=False, pid=pid, port=port, detail="not answering")
    return ServiceStatus(NAME, is_running=True, port=port, pid=pid, endpoint=endpoint(port))


def _wait_healthy(pid: int, port: int, folder: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process_cmdline(pid) is None:  # gone (or a zombie): it exited
            tail = "".join(log_file(folder).read_text(errors="replace").splitlines(True)[-5:])
            raise SetupError(f"moto server exited at start; see {log_file(folder)}:\n{tail}")
        if _is_ours(pid, port) and answers(port, timeout_s=1.0):
            return
        time.sleep(0.2)
    _terminate(pid)
    raise SetupError(f"moto server did not answer within {START_TIMEOUT_S:.0f}s")


def start(folder: Path) -> ServiceStatus:
    """Start the moto server unless ours already runs; wait until it answers."""
    current = status(folder)
    if current.is_running:
        return current
    if current.pid is not None:  # alive but silent: replace it
        _terminate(current.pid)
    port = choose_port(NAME, PORT_ENV, DEFAULT_PORT)
    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(log_file(folder)), *_moto_command(port)],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    )
    pid = int(launched.stdout.split()[0])
    _pid_file(folder).write_text(f"{pid}\n")
    _port_file(folder).write_text(f"{port}\n")
    _wait_healthy(pid, port, folder)
    return status(folder)


def _terminate(pid: int, timeout_s: float = 10.0) -> None:
    """SIGTERM the server's process group, then SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process_cmdline(pid) is None:
                return
            time.sleep(0.1)


def stop(folder: Path) -> ServiceStatus:
    """Stop our moto server if it runs; forget stale pid files either way."""
    pid, port = read_int(_pid_file(folder)), read_int(_port_file(folder))
    if pid is not None and port is not None and _is_ours(pid, port):
        _terminate(pid)
    _pid_file(folder).unlink(missing_ok=True)
    _port_file(folder).unlink(missing_ok=True)
    return ServiceStatus(NAME, is_running=False)
