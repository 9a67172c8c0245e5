"""One writer per table per env: an exclusive lock file under <lake_root>/_ops/locks/.

The lock is created atomically (O_EXCL locally; on S3A a conditional PUT, If-None-Match).
A lock whose run died on this host (pid gone), or older than lake.lock_stale_seconds,
is broken; otherwise a second writer waits up to lake.lock_wait_seconds, then stops
with a message naming the holder.
"""

import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.errors import ScoutError

UNREADABLE_GRACE_SECONDS = 10


class TableLockedError(ScoutError):
    """Another run holds the table's lock."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie holds its pid but is dead
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


class TableLock:
    """Context manager holding the lock `name` (e.g. 'bronze_transactions') for one run."""

    def __init__(self, spark: SparkSession, config: Config, name: str, run_id: str) -> None:
        self.path = config.lake_path("_ops", "locks", f"{name}.lock")
        self.name, self.run_id = name, run_id
        self.wait_seconds = config.lake.lock_wait_seconds
        self.stale_seconds = config.lake.lock_stale_seconds
        self._jvm: Any = spark.sparkContext._jvm  # type: ignore[attr-defined]
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[attr-defined]
        self._hpath = self._jvm.org.apache.hadoop.fs.Path(self.path)
        self._fs = self._hpath.getFileSystem(conf)
        parsed = urlparse(self.path)
        self._local = url2pathname(parsed.path) if parsed.scheme in ("", "file") else None

    def _content(self) -> bytes:
        holder = {
            "run_id": self.run_id,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "acquired_at": datetime.now(UTC).isoformat(),
        }
        return json.dumps(holder).encode()

    def _try_create(self) -> bool:
        if self._local is not None:
            os.makedirs(os.path.dirname(self._local), exist_ok=True)
            try:
                fd = os.open(self._local, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as handle:
                handle.write(self._content())
            return True
        try:
            stream = self._fs.create(self._hpath, False)
        except Exception as exc:
            if "FileAlreadyExists" in str(exc) or "PreconditionFailed" in str(exc):
                return False
            raise
        stream.write(bytearray(self._content()))
        stream.close()
        return True

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock now (None when free or unreadable)."""
        try:
            if self._local is not None:
                with open(self._local, encoding="utf-8") as handle:
                    return dict(json.load(handle))
            stream = self._fs.open(self._hpath)
            reader = self._jvm.java.io.BufferedReader(
                self._jvm.java.io.InputStreamReader(stream, "UTF-8")
            )
            text = reader.readLine()
            stream.close()
            return dict(json.loads(text))
        except Exception:
            return None

    def _is_stale(self, holder: dict[str, Any]) -> bool:
        acquired = datetime.fromisoformat(holder["acquired_at"])
        if (datetime.now(UTC) - acquired).total_seconds() > self.stale_seconds:
            return True
        return holder.get("host") == socket.gethostname() and not _pid_alive(int(holder["pid"]))

    def _delete(self) -> None:
        self._fs.delete(self._hpath, False)

    def __enter__(self) -> "TableLock":
        deadline, said = time.monotonic() + self.wait_seconds, False
        unreadable_since: float | None = None
        while not self._try_create():
            holder = self.holder()
            if holder is None:  # being written right now, or garbage left by a crash
                unreadable_since = unreadable_since or time.monotonic()
                if time.monotonic() - unreadable_since > UNREADABLE_GRACE_SECONDS:
                    self._delete()
                time.sleep(0.5)
                continue
            if self._is_stale(holder):
                self._delete()
                continue
            if time.monotonic() >= deadline:
                raise TableLockedError(
                    f"{self.name} is being written by run {holder['run_id']} "
                    f"(host {holder['host']}, pid {holder['pid']}) since {holder['acquired_at']}; "
                    f"waited {self.wait_seconds}s. Retry later; if that run is dead, "
                    f"delete {self.path}"
                )
            if not said:
                print(f"waiting for {self.name}: held by run {holder['run_id']}", file=sys.stderr)
                said = True
            time.sleep(2)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        holder = self.holder()
        if holder is not None and holder.get("run_id") == self.run_id:
            self._delete()
