"""Where the private PostgreSQL cluster lives, which binaries run it and as whom."""

from __future__ import annotations

import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scout_lab.services.state import write_private_file
from scout_spark.errors import SetupError

PG_LIB = Path("/usr/lib/postgresql")
PG_SYSTEM_USER = "postgres"
FALLBACK_BASE = Path("/var/tmp/scout-lakehouse")
SOCKET_PATH_MAX = 107  # sun_path limit on Linux, including the socket file name
_SETUP_HINT = "run scripts/setup.sh (it runs `apt-get install -y postgresql`)"


@dataclass(frozen=True)
class ClusterPaths:
    """The cluster's folders: data, socket and log, plus whether they left the state dir."""

    root: Path
    data: Path
    socket_dir: Path
    log: Path
    is_fallback: bool


def is_root() -> bool:
    """True when this process runs as root (initdb and postgres then run as `postgres`)."""
    return os.geteuid() == 0


def as_cluster_owner(cmd: list[str]) -> list[str]:
    """Prefix cmd with runuser when root, since initdb, pg_ctl and postgres refuse root."""
    if not is_root():
        return cmd
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", PG_SYSTEM_USER, "--", *cmd]


def run_as_owner(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a cluster command as its owner from /, which every user can enter."""
    return subprocess.run(
        as_cluster_owner(cmd), capture_output=True, text=True, check=False, cwd="/"
    )


def _system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise SetupError(f"running as root but no `{PG_SYSTEM_USER}` user: {_SETUP_HINT}") from None


def _cluster_root(folder: Path, *, announce: bool) -> tuple[Path, bool]:
    """<state dir>/postgres, or a /var/tmp folder when root's `postgres` user cannot reach it."""
    if not is_root():
        return folder / "postgres", False
    _system_user()
    reachable = run_as_owner(["test", "-x", str(folder)]).returncode == 0
    if reachable:
        return folder / "postgres", False
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    fallback = FALLBACK_BASE / digest / "postgres"
    if announce:
        print(
            f"postgres: user `{PG_SYSTEM_USER}` cannot traverse to {folder}; "
            f"the cluster lives in {fallback} instead",
            file=sys.stderr,
        )
    return fallback, True


def cluster_paths(folder: Path, *, announce: bool = False) -> ClusterPaths:
    """The cluster's folders for the state folder; nothing is created."""
    root, is_fallback = _cluster_root(folder, announce=announce)
    return ClusterPaths(
        root=root,
        data=root / "data",
        socket_dir=root / "socket",
        log=root / "postgres.log",
        is_fallback=is_fallback,
    )


def prepare_folders(paths: ClusterPaths) -> None:
    """Create the cluster root and socket folder (mode 700), owned by the cluster's user."""
    paths.root.parent.mkdir(parents=True, exist_ok=True)
    for folder in (paths.root, paths.socket_dir):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
        if is_root():
            user = _system_user()
            os.chown(folder, user.pw_uid, user.pw_gid)
    socket_file = paths.socket_dir / ".s.PGSQL.65535"
    if len(str(socket_file)) > SOCKET_PATH_MAX:
        raise SetupError(
            f"socket path {socket_file} is longer than {SOCKET_PATH_MAX} bytes: "
            "use a shorter SCOUT_STATE_DIR"
        )


def bin_dir(data: Path) -> Path:
    """The binaries for the cluster's version, or the highest installed for a new cluster."""
    installed = {
        int(entry.name): entry / "bin"
        for entry in (PG_LIB.iterdir() if PG_LIB.is_dir() else [])
        if entry.name.isdigit() and (entry / "bin" / "pg_ctl").is_file()
    }
    if not installed:
        raise SetupError(f"no PostgreSQL server binaries under {PG_LIB}: {_SETUP_HINT}")
    version_file = data / "PG_VERSION"
    if not version_file.is_file():
        return installed[max(installed)]
    version = int(version_file.read_text().strip())
    if version not in installed:
        raise SetupError(
            f"the cluster in {data} was made by PostgreSQL {version}, which is not installed: "
            f"install postgresql-{version} or delete {data}"
        )
    return installed[version]


def password_file(folder: Path) -> Path:
    """The file (mode 600) holding the `scout` role's password."""
    return folder / "postgres.password"


def ensure_password(folder: Path) -> str:
    """The `scout` role's password, generated once and kept only in the state folder."""
    path = password_file(folder)
    if path.is_file():
        password = path.read_text().strip()
        if password:
            return password
    password = secrets.token_urlsafe(32)
    write_private_file(path, password + "\n")
    return password


def read_password(folder: Path) -> str | None:
    """The stored password, or None before the first start."""
    path = password_file(folder)
    if not path.is_file():
        return None
    return path.read_text().strip() or None
