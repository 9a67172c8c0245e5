"""Bad-input corpus: every kind of bad file in ONE landing zone, ONE bronze run over it.

Each file is rejected with a reason or its rows are in bronze (bad rows raw, with a
`_parse_error`); the run succeeds; the next run is not blocked; rows delivered = bronze
rows + rows of rejected files, file by file.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_files import csv_text, land, tx_rows
from bad_input_corpus import GOOD, KINDS, Kind
from pyspark.sql import Row, SparkSession

from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.results import StageResult


@dataclass(frozen=True)
class CorpusRun:
    """The corpus run's result and what it left in bronze, per file name."""

    config: Config
    result: StageResult
    rows: dict[str, list[Row]]
    rejected: dict[str, str]
    next_result: StageResult
    next_rows: Counter


def _by_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def corpus(
    spark: SparkSession, test_config: Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CorpusRun]:
    root = tmp_path_factory.mktemp("bad_input")
    config = dataclasses.replace(
        test_config,
        source=dataclasses.replace(test_config.source, root=(root / "landing").as_uri() + "/"),
        lake=dataclasses.replace(test_config.lake, root=(root / "lake").as_uri() + "/"),
    )
    landing = root / "landing"
    for name, content in [*GOOD, *((k.name, k.content) for k in KINDS)]:
        land(landing, name, content)
    result = invoke(spark, config, "bronze", dataset="transactions")
    bronze_path = config.lake_path("bronze", "transactions")
    rows: dict[str, list[Row]] = {}
    for row in spark.read.format("delta").load(bronze_path).collect():
        rows.setdefault(_by_name(Path(row["_source_file"]).as_posix()), []).append(row)
    rejected = {
        _by_name(r["file_path"]): r["reason"]
        for r in spark.read.format("delta")
        .load(config.lake_path("bronze", "transactions_rejected_files"))
        .collect()
    }
    land(landing, "next.csv", csv_text(tx_rows("NX")), day="2026/01/03")
    next_result = invoke(spark, config, "bronze", dataset="transactions")
    next_rows = Counter(
        _by_name(r[0])
        for r in spark.read.format("delta").load(bronze_path).select("_source_file").collect()
    )
    yield CorpusRun(config, result, rows, rejected, next_result, next_rows)


def test_corpus_has_every_kind() -> None:
    assert len({k.kind for k in KINDS}) >= 25
    assert len({k.name for k in KINDS} | {n for n, _ in GOOD}) == len(KINDS) + len(GOOD)


def test_corpus_run_succeeds_and_lands_the_good_files(corpus: CorpusRun) -> None:
    assert corpus.result.status == "succeeded"
    for name, _content in GOOD:
        assert len(corpus.rows[name]) == 3, name
        assert all(r["_parse_error"] is None for r in corpus.rows[name])


@pytest.mark.parametrize("kind", KINDS, ids=[k.kind for k in KINDS])
def test_each_kind_is_rejected_with_a_reason_or_kept_in_bronze(
    corpus: CorpusRun, kind: Kind
) -> None:
    rows = corpus.rows.get(kind.name, [])
    if kind.kept:
        assert kind.name not in corpus.rejected
        assert len(rows) == kind.rows
        assert sum(r["_parse_error"] is not None for r in rows) == kind.errors
        assert all(r["_raw_record"] for r in rows)
    else:
        assert rows == []
        reason = corpus.rejected[kind.name]
        assert kind.reason and reason.startswith(kind.reason) and not reason.endswith(": ")
        assert "\n" not in reason and "\tat " not in reason
        assert "An error occurred while calling" not in reason  # the Java error, not Py4J's
        assert f"{kind.name}: {reason}" in corpus.result.parts["transactions"].metrics["rejected"]


def test_rows_delivered_equal_bronze_rows_plus_rows_of_rejected_files(
    corpus: CorpusRun,
) -> None:
    delivered = sum(k.rows for k in KINDS) + 3 * len(GOOD)
    in_bronze = sum(len(v) for v in corpus.rows.values())
    in_rejected = sum(k.rows for k in KINDS if k.name in corpus.rejected)
    assert delivered == in_bronze + in_rejected
    assert set(corpus.rejected) == {k.name for k in KINDS if not k.kept}


def test_kept_text_keeps_every_value(corpus: CorpusRun) -> None:
    bom = corpus.rows["bom.csv"] + corpus.rows["bom.jsonl"]
    assert sorted(r["transaction_id"] for r in bom) == [f"B{f}-{i}" for f in "CJ" for i in range(3)]
    assert {(r["note"], r["note_2"]) for r in corpus.rows["dup.csv"]} == {("n1", "n2")}
    # Keys differing in case across files share a column; within one object both are kept.
    upper = corpus.rows["upper.jsonl"]
    assert sorted(r["transaction_id"] for r in upper) == ["UC-0", "UC-1", "UC-2"]
    assert "transaction_id_2" not in upper[0].asDict()
    for name in ("case.csv", "case.jsonl"):  # delivered (csv) or sorted (json) key order
        assert {(r["memo"], r["memo_2"]) for r in corpus.rows[name]} == {("m1", "m2")}
    amounts = {r["total_amount"] for r in corpus.rows["amount_text.parquet"]}
    assert amounts == {"10.50", "11.50", "12.50"}
    assert {
        r["loyalty_points"]
        for n in ("drift_int.parquet", "drift_text.parquet")
        for r in corpus.rows[n]
    } == {"7", "seven"}
    assert {r["total_amount"] for r in corpus.rows["amounts.parquet"]} == {
        "-5.00",
        "999999999999.99",
    }
    assert {r["timestamp"] for r in corpus.rows["times.jsonl"]} == {
        "half past ten",
        "2999-01-01T00:00:00Z",
    }
    assert {r["transaction_id"] for r in corpus.rows["no_id.csv"]} == {None}  # unquoted empty
    assert [(r["n"], r["n_2"]) for r in corpus.rows["dup.jsonl"]] == [("1", "2")]
    assert {len(r["note"]) for r in corpus.rows["long.csv"] + corpus.rows["long.jsonl"]} == {
        1 << 20
    }


def test_next_run_is_not_blocked(corpus: CorpusRun) -> None:
    part = corpus.next_result.parts["transactions"]
    assert corpus.next_result.status == "succeeded"
    assert (part.metrics["files_new"], part.metrics["files_rejected"]) == ("1", "0")
    assert corpus.next_rows["next.csv"] == 3
    assert corpus.next_rows - Counter({"next.csv": 3}) == Counter(
        {n: len(v) for n, v in corpus.rows.items()}
    )


def test_silver_conserves_every_bronze_row_of_the_corpus(
    spark: SparkSession, corpus: CorpusRun
) -> None:
    """Every kept row (the next run's file too) is in silver, in quarantine with its
    reasons, or collapsed as a duplicate: none lost."""
    result = invoke(spark, corpus.config, "silver")
    part = result.parts["transactions"]
    bronze = sum(corpus.next_rows.values())

    def rows(table: str) -> int:
        return spark.read.format("delta").load(corpus.config.lake_path("silver", table)).count()

    silver, quarantined = rows("transactions"), rows("transactions_quarantine")
    assert result.status == "succeeded"
    assert quarantined > 0 and silver > 0
    assert (part.records_read, part.records_written, part.records_quarantined) == (
        bronze, silver, quarantined,
    )  # fmt: skip
    assert bronze == silver + quarantined + part.duplicates_collapsed
