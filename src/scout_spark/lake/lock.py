"""One writer per table per env: an exclusive lock object under <lake_root>/_ops/locks/.

The holder record (run, host, pid, acquired_at, renewed_at) is created only if absent and
changed only by compare-and-swap on its version token (lake/lock_store.py: O_EXCL-style
link and flock locally, conditional PUT on S3), so two runs never both hold a lock.
While held, a thread renews the record every min(60, lock_stale_seconds / 4) seconds.
A waiter breaks a lock not renewed for lake.lock_stale_seconds, or whose run died on
this host, by swapping in its own record on the stale record's token: of two waiters
exactly one wins. Otherwise it waits up to lake.lock_wait_seconds, then stops naming the
holder. A holder whose renewal finds the lock gone says so on stderr; a writer calls
`check()` right before each commit (a Delta write, a checkpoint) and stops if it raises.
"""

import json
import os
import random
import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.console import say
from scout_spark.errors import ScoutError
from scout_spark.lake.lock_store import lock_store_for

UNREADABLE_GRACE_SECONDS = 10
HOLDER_KEYS = ("run_id", "host", "pid", "acquired_at")


class TableLockedError(ScoutError):
    """Another run holds the table's lock (or took it over from this run)."""


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


def _parse(data: bytes) -> dict[str, Any] | None:
    """The holder record, or None when it is not one (garbage left by a crash)."""
    try:
        holder = dict(json.loads(data))
        datetime.fromisoformat(holder.get("renewed_at") or holder["acquired_at"])
        int(holder["pid"])
    except (ValueError, TypeError, KeyError):
        return None
    return holder if all(key in holder for key in HOLDER_KEYS) else None


def _describe(holder: dict[str, Any]) -> str:
    return f"run {holder['run_id']} (host {holder['host']}, pid {holder['pid']})"


class TableLock:
    """Context manager holding the lock `name` (e.g. 'bronze_transactions') for one run.

    `spark` is only used for lake roots with no native lock store (see lock_store.py).
    """

    def __init__(self, spark: SparkSession | None, config: Config, name: str, run_id: str) -> None:
        self.path = config.lake_path("_ops", "locks", f"{name}.lock")
        self.name, self.run_id = name, run_id
        self.wait_seconds = config.lake.lock_wait_seconds
        self.stale_seconds = config.lake.lock_stale_seconds
        self.renew_seconds = min(60.0, max(self.stale_seconds, 1) / 4)
        self._store = lock_store_for(self.path, config, spark)
        self._owner = uuid.uuid4().hex  # tells this holder from another of the same run
        self._acquired_at = ""
        self._token: str | None = None
        self._lost: str | None = None
        self._confirmed = 0.0  # monotonic time the record was last written by us
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _record(self, acquired_at: str) -> bytes:
        holder = {
            "run_id": self.run_id,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "owner": self._owner,
            "acquired_at": acquired_at,
            "renewed_at": datetime.now(UTC).isoformat(),
        }
        return json.dumps(holder).encode()

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock now (None when free or unreadable)."""
        current = self._store.read()
        return None if current is None else _parse(current[0])

    def _is_stale(self, holder: dict[str, Any]) -> bool:
        renewed = datetime.fromisoformat(holder.get("renewed_at") or holder["acquired_at"])
        if (datetime.now(UTC) - renewed).total_seconds() > self.stale_seconds:
            return True
        return holder.get("host") == socket.gethostname() and not _pid_alive(int(holder["pid"]))

    def _took(self, token: str, acquired_at: str) -> None:
        self._token, self._lost, self._confirmed = token, None, time.monotonic()
        self._acquired_at = acquired_at
        self._stop = threading.Event()
        self._renewer = threading.Thread(
            target=self._renew_loop, name=f"lock-renewal-{self.name}", daemon=True
        )
        self._renewer.start()

    def _try_take(self, version: str | None) -> bool:
        """Create the lock (version None) or swap it in for the record at `version`."""
        now = datetime.now(UTC).isoformat()
        record = self._record(now)
        if version is None:
            token = self._store.create(record)
        else:
            token = self._store.replace(record, version)
        if token is None:
            return False
        self._took(token, now)
        return True

    def __enter__(self) -> "TableLock":
        deadline, said = time.monotonic() + self.wait_seconds, False
        garbage: tuple[str, float] | None = None  # an unreadable record: token, first seen
        poll = min(2.0, self.renew_seconds)
        while not self._try_take(None):
            current = self._store.read()
            if current is None:  # released meanwhile
                continue
            data, version = current
            holder = _parse(data)
            if holder is None:
                if garbage is None or garbage[0] != version:
                    garbage = (version, time.monotonic())
                elif time.monotonic() - garbage[1] > UNREADABLE_GRACE_SECONDS:
                    if self._try_take(version):
                        break
                time.sleep(0.5)
                continue
            if self._is_stale(holder):
                if self._try_take(version):
                    broke = f"{self.name}: broke the stale lock of {_describe(holder)}"
                    say(broke)
                    break
                continue  # another waiter broke it first, or its holder renewed it
            if time.monotonic() >= deadline:
                raise TableLockedError(
                    f"{self.name} is being written by {_describe(holder)} "
                    f"since {holder['acquired_at']}; waited {self.wait_seconds}s. Retry later; "
                    f"a dead run's lock {self.path} is broken once not renewed for "
                    f"{self.stale_seconds}s"
                )
            if not said:
                say(f"waiting for {self.name}: held by run {holder['run_id']}")
                said = True
            time.sleep(poll * random.uniform(0.5, 1.0))  # jitter: waiters do not poll in step
        return self

    def _renew_loop(self) -> None:
        stop = self._stop
        while not stop.wait(self.renew_seconds):
            self._renew()

    def _renew(self) -> None:
        with self._mutex:
            if self._token is None or self._lost is not None:
                return
            try:
                token = self._store.replace(self._record(self._acquired_at), self._token)
            except Exception as exc:  # unreachable for now: check() tells once it is too long
                say(f"{self.name}: lock renewal failed ({exc}); retrying")
                return
            if token is not None:
                self._token, self._confirmed = token, time.monotonic()
                return
            holder = self.holder()
            self._lost = "it was removed" if holder is None else f"{_describe(holder)} took it over"
            say(
                f"LOST LOCK {self.name}: run {self.run_id} no longer holds {self.path} "
                f"({self._lost}); this run must not commit to {self.name}"
            )

    @property
    def is_held(self) -> bool:
        """True while this run holds the lock and last confirmed it within the stale time."""
        with self._mutex:
            fresh = time.monotonic() - self._confirmed <= self.stale_seconds
            return self._token is not None and self._lost is None and fresh

    def check(self) -> None:
        """Raise TableLockedError unless this run still holds the lock (call before a commit).

        Renews the record first, so the lock is confirmed now and cannot be broken for
        another lock_stale_seconds.
        """
        self._renew()
        if self.is_held:
            return
        why = self._lost or (
            "it is not held: released, or never taken"
            if self._token is None
            else f"it could not be renewed for over {self.stale_seconds}s"
        )
        raise TableLockedError(
            f"{self.name}: run {self.run_id} lost its lock {self.path} ({why}); "
            "nothing more is committed"
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        with self._mutex:
            token, lost, self._token = self._token, self._lost, None
        if token is not None and lost is None:
            try:
                self._store.delete(token)
            except (ScoutError, OSError) as failure:  # must not hide the body's own error
                say(
                    f"{self.name}: could not release {self.path} ({failure}); "
                    f"it is broken once not renewed for {self.stale_seconds}s"
                )
