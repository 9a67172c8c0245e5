"""The chaos run finds every Delta table of a lake on S3 by its _delta_log objects."""

import pytest

from scout_lab.bench.chaos_compare import s3_delta_tables

pytestmark = pytest.mark.s3


def test_delta_tables_on_s3_are_found_at_any_depth(s3, s3_bucket: str) -> None:  # type: ignore[no-untyped-def]
    for key in (
        "lake/silver/transactions/_delta_log/00000000000000000000.json",
        "lake/silver/transactions/_delta_log/00000000000000000001.json",
        "lake/silver/transactions/part-0.parquet",
        "lake/bronze/_state/items_files/_delta_log/00000000000000000000.json",
        "lake/_ops/locks/silver.lock",
        "other/gold/daily/_delta_log/00000000000000000000.json",
    ):
        s3.put_object(Bucket=s3_bucket, Key=key, Body=b"{}")
    assert s3_delta_tables(s3, s3_bucket, "lake/") == {
        "bronze/_state/items_files": f"s3a://{s3_bucket}/lake/bronze/_state/items_files",
        "silver/transactions": f"s3a://{s3_bucket}/lake/silver/transactions",
    }
