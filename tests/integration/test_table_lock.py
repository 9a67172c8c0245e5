"""The table lock on a local lake and on S3: one holder at a time, atomic breaking."""

import dataclasses
import json
import multiprocessing
import os
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from lock_support import BACKENDS, LOCK, config_on
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.errors import StorageUnreachableError
from scout_spark.lake.lock import TableLock
from scout_spark.lake.lock_store import HadoopLockStore, lock_store_for


@pytest.fixture
def lock_config(request: pytest.FixtureRequest, test_config: Config, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: config_on(backend, **lake) for this test."""
    return partial(config_on, request, test_config, tmp_path)


def _critical_section(shared: str, who: str) -> None:
    """Fails loudly (an `overlaps` file) if another holder is inside at the same time."""
    marker = os.path.join(shared, "inside")
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        with open(os.path.join(shared, "overlaps"), "a", encoding="utf-8") as out:
            out.write(f"{who}\n")
        return
    time.sleep(0.05)  # an overlapping holder would enter within this window
    with open(os.path.join(shared, "entries"), "a", encoding="utf-8") as out:
        out.write(f"{who}\n")
    os.unlink(marker)


def _take_turns(
    spark: SparkSession | None, config: Config, who: str, rounds: int, shared: str
) -> None:
    for _ in range(rounds):
        with TableLock(spark, config, LOCK, who):
            _critical_section(shared, who)


def _entries(shared: Path) -> tuple[list[str], list[str]]:
    def lines(name: str) -> list[str]:
        path = shared / name
        return path.read_text().split() if path.exists() else []

    return lines("entries"), lines("overlaps")


def _run_threads(*targets: tuple) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target, *args) -> None:  # type: ignore[no-untyped-def]
        try:
            target(*args)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=t) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.s3
def test_local_s3_endpoint_answers_412_to_a_second_conditional_create(s3, s3_bucket) -> None:  # type: ignore[no-untyped-def]
    first = s3.put_object(Bucket=s3_bucket, Key="l.lock", Body=b"a", IfNoneMatch="*")
    with pytest.raises(ClientError) as second:
        s3.put_object(Bucket=s3_bucket, Key="l.lock", Body=b"b", IfNoneMatch="*")
    assert second.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    s3.put_object(Bucket=s3_bucket, Key="l.lock", Body=b"c", IfMatch=first["ETag"])
    with pytest.raises(ClientError) as stale:
        s3.put_object(Bucket=s3_bucket, Key="l.lock", Body=b"d", IfMatch=first["ETag"])
    assert stale.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert s3.get_object(Bucket=s3_bucket, Key="l.lock")["Body"].read() == b"c"


@pytest.mark.parametrize("backend", BACKENDS)
def test_table_lock_threads_take_turns(spark, lock_config, tmp_path, backend) -> None:  # type: ignore[no-untyped-def]
    config = lock_config(backend, lock_wait_seconds=120, lock_stale_seconds=4)
    shared = tmp_path / "shared"
    shared.mkdir()
    errors = _run_threads(
        *[(_take_turns, spark, config, f"run-{n}", 10, str(shared)) for n in range(3)]
    )
    entries, overlaps = _entries(shared)
    assert (errors, overlaps) == ([], [])
    assert sorted(entries) == sorted(f"run-{n}" for n in range(3) for _ in range(10))


@pytest.mark.parametrize("backend", BACKENDS)
def test_table_lock_processes_take_turns(lock_config, tmp_path, backend) -> None:  # type: ignore[no-untyped-def]
    config = lock_config(backend, lock_wait_seconds=120, lock_stale_seconds=4)
    shared = tmp_path / "shared"
    shared.mkdir()
    context = multiprocessing.get_context("spawn")  # the test process runs a JVM: no fork
    workers = [
        context.Process(target=_take_turns, args=(None, config, f"proc-{n}", 10, str(shared)))
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    entries, overlaps = _entries(shared)
    assert [w.exitcode for w in workers] == [0, 0]
    assert overlaps == []
    assert sorted(entries) == sorted(f"proc-{n}" for n in range(2) for _ in range(10))


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _stale_record(kind: str) -> bytes:
    if kind == "dead_pid":
        now = datetime.now(UTC).isoformat()
        holder = {"host": socket.gethostname(), "pid": _dead_pid(), "renewed_at": now}
    else:  # written by the old lock: no renewed_at, acquired long ago, on another host
        holder = {"host": "elsewhere", "pid": 1}
    old = (datetime.now(UTC) - timedelta(hours=7)).isoformat()
    return json.dumps({"run_id": "dead-run", "acquired_at": old, **holder}).encode()


@pytest.mark.parametrize("kind", ["old_renewal", "dead_pid"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_stale_lock_is_broken_by_exactly_one_of_two_waiters(  # type: ignore[no-untyped-def]
    spark, lock_config, tmp_path, capfd, backend, kind
) -> None:
    config = lock_config(backend, lock_wait_seconds=120, lock_stale_seconds=4)
    store = lock_store_for(config.lake_path("_ops", "locks", f"{LOCK}.lock"), config, None)
    for round_ in range(5):
        shared = tmp_path / f"round{round_}"
        shared.mkdir()
        assert store.create(_stale_record(kind)) is not None
        start = threading.Barrier(2)

        def wait_then_hold(who: str, shared: str = str(shared), start=start) -> None:  # type: ignore[no-untyped-def]
            start.wait()
            with TableLock(spark, config, LOCK, who):
                _critical_section(shared, who)
                time.sleep(0.3)  # the loser keeps waiting meanwhile, it must not break in

        errors = _run_threads((wait_then_hold, "waiter-a"), (wait_then_hold, "waiter-b"))
        entries, overlaps = _entries(shared)
        assert (errors, overlaps, sorted(entries)) == ([], [], ["waiter-a", "waiter-b"])
        assert store.read() is None  # both released
        assert capfd.readouterr().err.count("broke the stale lock of run dead-run") == 1


def test_hadoop_fallback_store_compares_before_it_writes(spark, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = HadoopLockStore(spark, (tmp_path / "locks" / "x.lock").as_uri())
    first = store.create(b"first")
    assert first is not None and store.create(b"second") is None
    assert store.read() == (b"first", first)
    second = store.replace(b"second", first)
    assert second is not None and store.replace(b"third", first) is None
    assert (store.delete(first), store.read()) == (False, (b"second", second))
    assert (store.delete(second), store.read()) == (True, None)


def test_unreachable_s3_lock_fails_with_one_line(test_config) -> None:  # type: ignore[no-untyped-def]
    config = dataclasses.replace(
        test_config,
        lake=dataclasses.replace(test_config.lake, root="s3a://scout-nowhere/lake/"),
        s3=dataclasses.replace(test_config.s3, endpoint="http://127.0.0.1:9"),  # nothing listens
    )
    with pytest.raises(StorageUnreachableError) as failure:
        TableLock(None, config, LOCK, "run").__enter__()
    assert str(failure.value) == (
        "cannot reach the lock s3a://scout-nowhere/lake/_ops/locks/gold.lock: "
        "EndpointConnectionError"
    )
