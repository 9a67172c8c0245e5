"""State folder, ports, pids and private files shared by the local services."""

from __future__ import annotations

import fcntl
import os
import shlex
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scout_spark.errors import SetupError

LOOPBACK = "127.0.0.1"
ENV_FILE_NAME = "services.env"


@dataclass(frozen=True)
class ServiceStatus:
    """What one local service is doing right now."""

    name: str
    is_running: bool
    port: int | None = None
    pid: int | None = None
    endpoint: str | None = None
    detail: str = ""

    def describe(self) -> str:
        """One line for the CLI, e.g. `s3: running on http://127.0.0.1:9090`."""
        if self.is_running:
            return f"{self.name}: running on {self.endpoint}"
        return f"{self.name}: stopped" + (f" ({self.detail})" if self.detail else "")


def repo_root() -> Path:
    """The repository's folder (holding lab/ and the root pyproject.toml), found from this
    package's own path."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file() and (folder / "lab").is_dir():
            return folder
    raise SetupError("cannot find the repository root (pyproject.toml); set SCOUT_STATE_DIR")


def resolve_state_dir(override: Path | None = None, *, create: bool = True) -> Path:
    """The services' state folder: override, SCOUT_STATE_DIR or <repo>/data/services."""
    raw = override or os.environ.get("SCOUT_STATE_DIR") or repo_root() / "data" / "services"
    folder = Path(raw).expanduser().absolute()
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def state_lock(folder: Path) -> Iterator[None]:
    """Serialise start/stop of the services that share one state folder."""
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_port_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port (a listener on 0.0.0.0 counts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port on 127.0.0.1 the kernel reports as free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def choose_port(service: str, env_var: str, default: int) -> int:
    """The port from env_var (or default), or a free one when something else holds it."""
    raw = os.environ.get(env_var, "").strip()
    try:
        preferred = int(raw) if raw else default
    except ValueError:
        raise SetupError(f"{env_var}={raw!r} is not a port number") from None
    if not 0 < preferred < 65536:
        raise SetupError(f"{env_var}={preferred} is not a port number (1-65535)")
    if is_port_free(preferred):
        return preferred
    port = free_port()
    print(f"{service}: port {preferred} is taken by another program; using {port}", file=sys.stderr)
    return port


def read_int(path: Path) -> int | None:
    """The integer on the first line of path, or None when absent or garbled."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def process_cmdline(pid: int) -> list[str] | None:
    """The live (non-zombie) process's argv, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    if stat.rpartition(")")[2].split()[0] in ("Z", "X"):
        return None
    return [arg.decode(errors="replace") for arg in args if arg]


def write_private_file(path: Path, text: str) -> None:
    """Write text to path atomically with mode 600, readable only by its owner."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def env_file(folder: Path) -> Path:
    """Where services.env lives for that state folder."""
    return folder / ENV_FILE_NAME


def write_env_file(folder: Path, values: dict[str, str]) -> Path:
    """Write values as shell-sourceable KEY=VALUE lines (mode 600); drop the file if empty."""
    path = env_file(folder)
    if not values:
        path.unlink(missing_ok=True)
        return path
    lines = [f"{key}={shlex.quote(value)}\n" for key, value in values.items()]
    write_private_file(path, "".join(lines))
    return path


def read_env_file(folder: Path) -> dict[str, str]:
    """Parse services.env back into a dict; empty when the file is absent."""
    path = env_file(folder)
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if words and "=" in words[0]:
            key, _, value = words[0].partition("=")
            values[key] = value
    return values
