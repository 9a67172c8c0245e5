"""Table lock renewal: a live holder keeps its lock, a stopped one loses it and knows."""

import json
import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from lock_support import BACKENDS, LOCK, config_on

from scout_spark.config import Config
from scout_spark.lake.lock import TableLock, TableLockedError
from scout_spark.lake.lock_store import lock_store_for


@pytest.fixture
def lock_config(request: pytest.FixtureRequest, test_config: Config, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: config_on(backend, **lake) for this test."""
    return partial(config_on, request, test_config, tmp_path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_renewal_keeps_a_live_lock_that_outlives_stale_seconds(spark, lock_config, backend) -> None:  # type: ignore[no-untyped-def]
    config = lock_config(backend, lock_wait_seconds=5, lock_stale_seconds=2)
    with TableLock(spark, config, LOCK, "long-run") as held:
        with pytest.raises(TableLockedError, match=r"gold is being written by run long-run"):
            TableLock(spark, config, LOCK, "second-run").__enter__()
        held.check()
        assert held.is_held
    assert TableLock(spark, config, LOCK, "x").holder() is None


def _hold_until_lost(config: Config, shared: str) -> None:
    """Hold the lock, say so, then report what check() says once the lock is lost."""
    with TableLock(None, config, LOCK, "stopped-run") as lock:
        Path(shared, "held").touch()
        while lock.is_held:
            time.sleep(0.05)
        try:
            lock.check()
        except TableLockedError as exc:
            Path(shared, "lost").write_text(str(exc))


@pytest.mark.parametrize("backend", BACKENDS)
def test_lock_whose_renewals_stopped_is_broken_and_its_holder_knows(  # type: ignore[no-untyped-def]
    spark, lock_config, tmp_path, backend
) -> None:
    config = lock_config(backend, lock_wait_seconds=60, lock_stale_seconds=2)
    holder = multiprocessing.get_context("spawn").Process(
        target=_hold_until_lost, args=(config, str(tmp_path))
    )
    holder.start()
    try:
        for _ in range(600):
            if (tmp_path / "held").exists() or not holder.is_alive():
                break
            time.sleep(0.1)
        assert (tmp_path / "held").exists()
        os.kill(holder.pid, signal.SIGSTOP)  # alive, but no longer renewing (a hung run)
        with TableLock(spark, config, LOCK, "next-run") as taken:
            assert taken.holder()["run_id"] == "next-run"  # type: ignore[index]
            os.kill(holder.pid, signal.SIGCONT)
            holder.join(120)
            taken.check()
    finally:
        if holder.exitcode is None:  # the test failed while the holder was stopped
            os.kill(holder.pid, signal.SIGCONT)
            holder.join(10)
    assert holder.exitcode == 0
    lost = (tmp_path / "lost").read_text()
    assert "stopped-run lost its lock" in lost and "run next-run" in lost


@pytest.mark.parametrize("backend", BACKENDS)
def test_holder_that_lost_its_lock_refuses_to_commit(spark, lock_config, backend) -> None:  # type: ignore[no-untyped-def]
    config = lock_config(backend, lock_wait_seconds=1, lock_stale_seconds=600)
    with TableLock(spark, config, LOCK, "slow-run") as held:
        store = lock_store_for(held.path, config, None)
        current = store.read()
        assert current is not None
        thief = {"run_id": "thief", "host": "elsewhere", "pid": 1}
        record = {**thief, "acquired_at": datetime.now(UTC).isoformat()}
        assert store.replace(json.dumps(record).encode(), current[1]) is not None
        with pytest.raises(TableLockedError, match=r"slow-run lost its lock .*run thief"):
            held.check()
        assert not held.is_held
    assert held.holder()["run_id"] == "thief"  # type: ignore[index]  # exit left it alone
