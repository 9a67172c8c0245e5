"""The private PostgreSQL cluster: initdb once, pg_ctl start/stop, role and database `scout`."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

from scout_lab.services.pgcluster import (
    PG_SYSTEM_USER,
    ClusterPaths,
    bin_dir,
    cluster_paths,
    ensure_password,
    prepare_folders,
    run_as_owner,
)
from scout_lab.services.state import LOOPBACK, ServiceStatus, choose_port, process_cmdline
from scout_spark.errors import SetupError

NAME = "postgres"
DEFAULT_PORT = 55432
PORT_ENV = "SCOUT_PG_PORT"
ROLE = "scout"
DATABASE = "scout"
START_TIMEOUT_S = 60


def _postmaster(paths: ClusterPaths) -> tuple[int, int] | None:
    """(pid, port) from postmaster.pid, or None when the file is absent or unreadable."""
    try:
        lines = (paths.data / "postmaster.pid").read_text().splitlines()
        return int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None


def _is_postmaster(pid: int, paths: ClusterPaths) -> bool:
    """True when pid is a live postgres process whose working folder is this cluster's data."""
    args = process_cmdline(pid)
    if not args or Path(args[0]).name != "postgres":
        return False
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")) == paths.data.resolve()
    except OSError:
        return False


def _is_ready(port: int, paths: ClusterPaths, timeout_s: int = 3) -> bool:
    """True when the server accepts connections on 127.0.0.1:port (pg_isready)."""
    try:
        pg_isready = bin_dir(paths.data) / "pg_isready"
    except SetupError:
        return False
    cmd = [str(pg_isready), "-q", "-h", LOOPBACK, "-p", str(port), "-t", str(timeout_s)]
    return subprocess.run(cmd, check=False, capture_output=True).returncode == 0


def _server_processes(paths: ClusterPaths) -> list[int]:
    """Pids of live processes working in the data folder (an old server's leftovers)."""
    data = paths.data.resolve()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            is_inside = Path(os.readlink(entry / "cwd")) == data
        except OSError:
            continue
        if is_inside and process_cmdline(int(entry.name)) is not None:
            pids.append(int(entry.name))
    return pids


def _wait_for_no_server_processes(paths: ClusterPaths, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while pids := _server_processes(paths):
        if time.monotonic() > deadline:
            raise SetupError(f"processes {pids} of an old server still use {paths.data}")
        time.sleep(0.2)


def _status(paths: ClusterPaths) -> ServiceStatus:
    found = _postmaster(paths)
    if found is None:
        return ServiceStatus(NAME, is_running=False)
    pid, port = found
    if not _is_postmaster(pid, paths):
        return ServiceStatus(NAME, is_running=False, detail="stale postmaster.pid")
    if not _is_ready(port, paths):
        return ServiceStatus(NAME, is_running=False, pid=pid, port=port, detail="not ready")
    return ServiceStatus(NAME, is_running=True, port=port, pid=pid, endpoint=f"{LOOPBACK}:{port}")


def status(folder: Path) -> ServiceStatus:
    """Running when the cluster's postmaster is alive and accepts connections on loopback."""
    return _status(cluster_paths(folder))


def _log_tail(paths: ClusterPaths, lines: int = 8) -> str:
    try:
        return "".join(paths.log.read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return ""


def _initdb(paths: ClusterPaths, bins: Path) -> None:
    """Create the cluster: trust on the local socket only, scram-sha-256 over TCP."""
    cmd = [str(bins / "initdb"), "-D", str(paths.data), "-U", PG_SYSTEM_USER]
    cmd += ["--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"]
    result = run_as_owner(cmd)
    if result.returncode != 0:
        raise SetupError(f"initdb failed for {paths.data}: {result.stderr.strip()}")


def _pg_ctl_start(paths: ClusterPaths, bins: Path, port: int) -> None:
    options = f"-c listen_addresses={LOOPBACK} -p {port} -k {shlex.quote(str(paths.socket_dir))}"
    cmd = [str(bins / "pg_ctl"), "-w", "-t", str(START_TIMEOUT_S), "-D", str(paths.data)]
    result = run_as_owner([*cmd, "-l", str(paths.log), "-o", options, "start"])
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip()
        raise SetupError(f"pg_ctl start failed: {detail}; log {paths.log}:\n{_log_tail(paths)}")


def _ensure_role(paths: ClusterPaths, port: int, password: str) -> None:
    """Create (or re-key) role and database `scout`; only a SCRAM verifier reaches the server."""
    with psycopg.connect(
        host=str(paths.socket_dir),
        port=port,
        user=PG_SYSTEM_USER,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as conn:
        verifier = conn.pgconn.encrypt_password(password.encode(), ROLE.encode(), b"scram-sha-256")
        has_role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone()
        statement = "ALTER" if has_role else "CREATE"
        conn.execute(
            sql.SQL("{} ROLE {} LOGIN CREATEDB CREATEROLE PASSWORD {}").format(
                sql.SQL(statement), sql.Identifier(ROLE), sql.Literal(verifier.decode())
            )
        )
        has_db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not has_db:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(ROLE)
                )
            )


def _wait_ready(paths: ClusterPaths, port: int, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _is_ready(port, paths, timeout_s=2):
            return True
        time.sleep(0.2)
    return False


def start(folder: Path) -> ServiceStatus:
    """Start the cluster unless it runs (initdb on first use); ensure role and database."""
    paths = cluster_paths(folder, announce=True)
    current = _status(paths)
    if current.is_running:
        return current
    if current.pid is not None and current.port is not None:  # alive but still starting
        if not _wait_ready(paths, current.port):
            raise SetupError(f"postgres (pid {current.pid}) runs but does not accept connections")
        return _status(paths)
    password = ensure_password(folder)
    prepare_folders(paths)
    bins = bin_dir(paths.data)
    if not (paths.data / "PG_VERSION").is_file():
        _initdb(paths, bins)
    if _postmaster(paths) is not None:
        # A stale lock (reboot, or a killed postmaster): its pid may now be another program
        # or an unreaped zombie, and postgres would refuse to start. Safe once no process
        # of the old server still works in the data folder.
        _wait_for_no_server_processes(paths)
        (paths.data / "postmaster.pid").unlink()
        for leftover in paths.socket_dir.glob(".s.PGSQL.*"):  # socket and its lock file
            leftover.unlink()
    port = choose_port(NAME, PORT_ENV, DEFAULT_PORT)
    _pg_ctl_start(paths, bins, port)
    _ensure_role(paths, port, password)
    return _status(paths)


def stop(folder: Path) -> ServiceStatus:
    """Stop the cluster with `pg_ctl -m fast stop` when it runs."""
    paths = cluster_paths(folder)
    found = _postmaster(paths)
    if found is not None and _is_postmaster(found[0], paths):
        cmd = [str(bin_dir(paths.data) / "pg_ctl"), "-D", str(paths.data), "-m", "fast", "-w"]
        result = run_as_owner([*cmd, "-t", str(START_TIMEOUT_S), "stop"])
        if result.returncode != 0:
            raise SetupError(f"pg_ctl stop failed: {result.stderr.strip()}")
    return ServiceStatus(NAME, is_running=False)
