"""The generator writes straight into a bucket on the local S3 endpoint, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from deltalake import DeltaTable

from scout_lab.sample import FAULTS, SampleConfig, generate
from scout_lab.sample.config import parse_formats

pytestmark = pytest.mark.s3

OPTIONS = {
    "seed": 9,
    "days": 2,
    "transactions_per_day": 80,
    "stores": 5,
    "customers": 30,
    "layout": "hive",
    "with_incremental": True,
}


@pytest.fixture
def s3_env(services_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials of the local endpoint in the environment; returns the endpoint URL."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        monkeypatch.setenv(key, services_env[key])
    return services_env["SCOUT_S3_ENDPOINT"]


def _objects(s3, bucket: str, prefix: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {
        k.removeprefix(prefix): s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys
    }


def test_generate_to_s3_matches_a_local_run(
    s3,
    s3_bucket: str,
    s3_env: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    formats = parse_formats("transactions=csv,items=jsonl,customers=avro")
    faults = frozenset(FAULTS)
    generate(SampleConfig(dest=str(tmp_path), formats=formats, faults=faults, **OPTIONS))
    dest = f"s3://{s3_bucket}/samples"
    generate(SampleConfig(dest=dest, formats=formats, faults=faults, s3_endpoint=s3_env, **OPTIONS))
    remote = _objects(s3, s3_bucket, "samples/")
    local = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    assert remote.keys() == local.keys()
    assert "transactions/dt=2024-01-01/part-00000.csv" in remote
    assert [k for k in remote if remote[k] != local[k]] == []


def test_generate_delta_to_s3_holds_the_local_rows(
    s3_bucket: str, s3_env: str, tmp_path: Path
) -> None:
    formats = parse_formats("transactions=delta")
    generate(SampleConfig(dest=str(tmp_path), formats=formats, **OPTIONS))
    dest = f"s3://{s3_bucket}/delta-samples"
    generate(SampleConfig(dest=dest, formats=formats, s3_endpoint=s3_env, **OPTIONS))
    rel = "transactions/dt=2024-01-02/part-00000.delta"
    options = {"AWS_ENDPOINT_URL": s3_env, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1"}
    remote = DeltaTable(f"{dest}/{rel}", storage_options=options).to_pyarrow_table()
    local = DeltaTable(str(tmp_path / rel)).to_pyarrow_table()
    assert remote.num_rows > 0
    assert remote.equals(local)


def test_generate_refuses_a_non_empty_prefix(
    s3,
    s3_bucket: str,
    s3_env: str,  # type: ignore[no-untyped-def]
) -> None:
    s3.put_object(Bucket=s3_bucket, Key="used/keep.txt", Body=b"x")
    config = SampleConfig(dest=f"s3://{s3_bucket}/used", s3_endpoint=s3_env, **OPTIONS)
    with pytest.raises(RuntimeError, match="is not empty"):
        generate(config)
    assert _objects(s3, s3_bucket, "used/") == {"keep.txt": b"x"}
