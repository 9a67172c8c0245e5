"""The publish scan's file splits: small and many, over Connect as on classic. A Connect
server returns each task's encoded rows whole; a full publish of a 1M-transaction lake in
Spark's default 128 MB splits ran its 2 GB server out of heap."""

import pytest

from scout_spark.publish import binary_copy
from scout_spark.publish.binary_copy import MAX_PARTITION_BYTES, MIN_PARTITIONS, _split_conf


@pytest.mark.parametrize(
    ("parallelism", "splits"), [(None, MIN_PARTITIONS), (2, MIN_PARTITIONS), (64, 64)]
)
def test_splits_are_bounded_whether_or_not_the_parallelism_is_known(
    monkeypatch: pytest.MonkeyPatch, parallelism: int | None, splits: int
) -> None:
    # None: a Connect client, which cannot know its server's parallelism.
    monkeypatch.setattr(binary_copy, "default_parallelism", lambda spark: parallelism)

    conf = _split_conf(None)  # type: ignore[arg-type]

    assert conf == {
        "spark.sql.files.minPartitionNum": str(splits),
        "spark.sql.files.maxPartitionBytes": str(MAX_PARTITION_BYTES),
    }
    assert MAX_PARTITION_BYTES <= 32 << 20
