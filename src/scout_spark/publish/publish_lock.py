"""One publish per Postgres schema at a time: a session advisory lock, waited for as a
table lock is (lake.lock_wait_seconds), naming the run that holds it.

The holder is the control connection of the publish that took it; Postgres releases
the lock when that connection ends, so a dead run never leaves it behind. Its run id is
in the connection's application_name (`holder_purpose`), read back from pg_stat_activity.
"""

import random
import time

from psycopg import Connection

from scout_spark.console import say
from scout_spark.lake.lock import TableLockedError

LOCK_KEY = "hashtext('scout_spark.publish'), hashtext(%s)"
TRY_SQL = f"SELECT pg_try_advisory_lock({LOCK_KEY})"
_HOLDER_SQL = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = hashtext('scout_spark.publish')::oid AND l.objid = hashtext(%s)::oid
"""
_PURPOSE = "publish:"
_POLL_SECONDS = 2.0


def holder_purpose(run_id: str) -> str:
    """The control connection's purpose (its application_name names the run)."""
    return f"{_PURPOSE}{run_id}"


def _holder(conn: Connection, schema: str) -> str:
    row = conn.execute(_HOLDER_SQL, [schema]).fetchone()
    name = (row[0] or "") if row else ""
    _, found, run_id = name.partition(_PURPOSE)
    return f"run {run_id}" if found and run_id else f"a session named {name or 'unknown'!r}"


def take_publish_lock(conn: Connection, schema: str, wait_seconds: float) -> None:
    """Hold the schema's publish lock on `conn` (autocommit), waiting up to `wait_seconds`."""
    deadline, said, name = time.monotonic() + wait_seconds, False, f"publish:{schema}"
    while True:
        row = conn.execute(TRY_SQL, [schema]).fetchone()
        if row is not None and row[0]:
            return
        holder = _holder(conn, schema)
        if time.monotonic() >= deadline:
            raise TableLockedError(
                f"{name} is being written by {holder}; waited {wait_seconds:g}s. Retry "
                "later (the lock ends with the holder's Postgres session)"
            )
        if not said:
            say(f"waiting for {name}: held by {holder}")
            said = True
        time.sleep(_POLL_SECONDS * random.uniform(0.5, 1.0))
