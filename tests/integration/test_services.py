"""Local services: idempotent start, health, S3 behaviours S3A needs, Postgres auth, cycles."""

import hashlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import psycopg
import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from scout_lab import services
from scout_lab.services import pgcluster, s3, state

pytestmark = [pytest.mark.s3, pytest.mark.postgres]

REPO_ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m scout_lab.services ...` with this process's environment."""
    cmd = [sys.executable, "-m", "scout_lab.services", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO_ROOT)


@pytest.fixture(scope="module")
def shared_env() -> dict[str, str]:
    """Start (or reuse) the shared services and return services.env, left running."""
    services.start_all()
    return state.read_env_file(services.env_file_path().parent)


@pytest.fixture(scope="module")
def s3_client(shared_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """boto3 client addressing the endpoint path-style, as S3A does."""
    return boto3.client(
        "s3",
        endpoint_url=shared_env["SCOUT_S3_ENDPOINT"],
        aws_access_key_id=shared_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=shared_env["AWS_SECRET_ACCESS_KEY"],
        region_name=shared_env["AWS_REGION"],
        config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


@pytest.fixture
def bucket(s3_client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh bucket, emptied and deleted afterwards."""
    name = f"scout-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    yield name
    for upload in s3_client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3_client.abort_multipart_upload(
            Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"]
        )
    for item in s3_client.list_objects_v2(Bucket=name).get("Contents", []):
        s3_client.delete_object(Bucket=name, Key=item["Key"])
    s3_client.delete_bucket(Bucket=name)


def test_start_all_is_idempotent(shared_env: dict[str, str]) -> None:
    first = services.start_all()
    second = services.start_all()
    assert all(result.is_running for result in second.values())
    assert {n: (r.pid, r.port) for n, r in first.items()} == {
        n: (r.pid, r.port) for n, r in second.items()
    }
    assert shared_env["SCOUT_S3_ENDPOINT"] == second["s3"].endpoint
    assert shared_env["SCOUT_PG_PORT"] == str(second["postgres"].port)


def test_health_checks_pass(shared_env: dict[str, str]) -> None:
    current = services.status()
    assert all(result.is_running for result in current.values()), current
    assert s3.answers(int(shared_env["SCOUT_S3_ENDPOINT"].rsplit(":", 1)[1]))
    result = _cli("status")
    assert result.returncode == 0, result.stderr
    assert "s3: running on http://127.0.0.1:" in result.stdout
    assert "postgres: running on 127.0.0.1:" in result.stdout


def test_services_env_is_private_and_loads(
    shared_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = services.env_file_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for key in shared_env:
        monkeypatch.delenv(key, raising=False)
    loaded = services.load_services_env()
    assert loaded == shared_env
    assert os.environ["SCOUT_PG_USER"] == "scout"
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert services.load_services_env(path.parent / "absent") == {}


def test_s3_put_if_none_match_rejects_second_create(s3_client, bucket: str) -> None:  # type: ignore[no-untyped-def]
    s3_client.put_object(Bucket=bucket, Key="_delta_log/0.json", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as caught:
        s3_client.put_object(Bucket=bucket, Key="_delta_log/0.json", Body=b"2nd", IfNoneMatch="*")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert caught.value.response["Error"]["Code"] == "PreconditionFailed"
    body = s3_client.get_object(Bucket=bucket, Key="_delta_log/0.json")["Body"].read()
    assert body == b"first"


def test_s3_multipart_upload_round_trip(s3_client, bucket: str) -> None:  # type: ignore[no-untyped-def]
    chunks = [bytes([65 + i]) * (5 * MIB) for i in range(2)] + [b"tail"]
    upload = s3_client.create_multipart_upload(Bucket=bucket, Key="big.bin")
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        answer = s3_client.upload_part(
            Bucket=bucket, Key="big.bin", PartNumber=number, UploadId=upload["UploadId"], Body=chunk
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    s3_client.complete_multipart_upload(
        Bucket=bucket, Key="big.bin", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    body = s3_client.get_object(Bucket=bucket, Key="big.bin")["Body"].read()
    assert hashlib.sha256(body).digest() == hashlib.sha256(b"".join(chunks)).digest()


def test_s3_list_objects_v2_start_after(s3_client, bucket: str) -> None:  # type: ignore[no-untyped-def]
    for name in ("a", "b", "c", "d"):
        s3_client.put_object(Bucket=bucket, Key=f"log/{name}.json", Body=b"{}")
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix="log/", StartAfter="log/b.json")
    assert [item["Key"] for item in listed["Contents"]] == ["log/c.json", "log/d.json"]


def _pg_kwargs(env: dict[str, str], password: str) -> dict[str, object]:
    return {
        "host": env["SCOUT_PG_HOST"],
        "port": int(env["SCOUT_PG_PORT"]),
        "user": env["SCOUT_PG_USER"],
        "dbname": env["SCOUT_PG_DATABASE"],
        "password": password,
        "connect_timeout": 5,
    }


def test_postgres_scout_writes_and_reads_back(shared_env: dict[str, str]) -> None:
    schema = f"test_{uuid.uuid4().hex[:10]}"
    kwargs = _pg_kwargs(shared_env, shared_env["SCOUT_PG_PASSWORD"])
    with psycopg.connect(**kwargs, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")
        try:
            conn.execute(f"CREATE TABLE {schema}.stores (store_id text, sales numeric(14, 2))")
            conn.execute(f"INSERT INTO {schema}.stores VALUES ('S1', 12.50), (NULL, 0)")
            rows = conn.execute(f"SELECT * FROM {schema}.stores ORDER BY store_id").fetchall()
        finally:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    assert [(r[0], str(r[1])) for r in rows] == [("S1", "12.50"), (None, "0.00")]


def test_postgres_refuses_wrong_password(shared_env: dict[str, str]) -> None:
    kwargs = _pg_kwargs(shared_env, "not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**kwargs).close()  # type: ignore[arg-type]


@pytest.fixture
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A separate state dir and free ports, so the shared services are left alone."""
    folder = tmp_path / "state"
    monkeypatch.setenv("SCOUT_STATE_DIR", str(folder))
    monkeypatch.setenv("SCOUT_S3_PORT", str(state.free_port()))
    monkeypatch.setenv("SCOUT_PG_PORT", str(state.free_port()))
    yield folder
    services.stop_all()
    cluster = pgcluster.cluster_paths(folder)
    if cluster.is_fallback:  # root's `postgres` user could not reach tmp_path
        shutil.rmtree(cluster.root.parent, ignore_errors=True)


def _kill_postmaster(pid: int) -> None:
    """Simulate a crash or reboot: the postmaster dies and leaves postmaster.pid behind."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while state.process_cmdline(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.1)


def test_status_stop_start_cycle(private_state: Path) -> None:
    started = services.start_all()
    assert started["s3"].port == int(os.environ["SCOUT_S3_PORT"])
    assert started["postgres"].port == int(os.environ["SCOUT_PG_PORT"])
    assert _cli("status").returncode == 0
    # read_env_file, not load_services_env: os.environ must keep the shared services.
    password = state.read_env_file(private_state)["SCOUT_PG_PASSWORD"]

    stopped = services.stop_all()
    assert not any(result.is_running for result in stopped.values())
    result = _cli("status")
    assert result.returncode == 3
    assert "s3: stopped" in result.stdout and "postgres: stopped" in result.stdout
    assert state.read_env_file(private_state) == {}

    # Stale pid files (as after a reboot) must not fool status or block start.
    (private_state / "s3.pid").write_text(f"{os.getpid()}\n")
    (private_state / "s3.port").write_text(os.environ["SCOUT_S3_PORT"] + "\n")
    assert not services.status(["s3"])["s3"].is_running
    restarted = services.start_all(["s3"])["s3"]
    assert restarted.is_running and restarted.pid != os.getpid()
    again = services.start_all(["postgres"])["postgres"]
    assert again.pid is not None
    _kill_postmaster(again.pid)
    assert not services.status(["postgres"])["postgres"].is_running
    recovered = services.start_all(["postgres"])["postgres"]
    assert recovered.is_running

    env = state.read_env_file(private_state)
    assert env["SCOUT_PG_PASSWORD"] == password
    with psycopg.connect(**_pg_kwargs(env, password)) as conn:  # type: ignore[arg-type]
        assert conn.execute("SELECT current_user").fetchone() == ("scout",)


def test_start_falls_back_to_a_free_port_when_taken(private_state: Path) -> None:
    with socket.socket() as s3_squatter, socket.socket() as pg_squatter:
        for squatter, env_var in ((s3_squatter, "SCOUT_S3_PORT"), (pg_squatter, "SCOUT_PG_PORT")):
            squatter.bind(("127.0.0.1", int(os.environ[env_var])))
            squatter.listen()
        started = services.start_all()
    assert started["s3"].is_running and started["postgres"].is_running
    assert started["s3"].port != int(os.environ["SCOUT_S3_PORT"])
    assert started["postgres"].port != int(os.environ["SCOUT_PG_PORT"])
    env = state.read_env_file(private_state)
    assert env["SCOUT_S3_ENDPOINT"] == f"http://127.0.0.1:{started['s3'].port}"
    assert env["SCOUT_PG_PORT"] == str(started["postgres"].port)


def test_cli_rejects_unknown_service() -> None:
    result = _cli("status", "minio")
    assert result.returncode == 1
    assert "unknown service minio" in result.stderr
