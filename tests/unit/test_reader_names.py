"""Column naming and CSV header checks of the bronze readers (no Spark)."""

import pytest

from scout_spark.sources.readers import header_problem
from scout_spark.sources.text_columns import unique_names

COLUMNS = ("transaction_id", "store_id", "total_amount")


@pytest.mark.parametrize(
    ("labels", "names"),
    [
        (["a", "b"], ["a", "b"]),
        (["a", "a"], ["a", "a_2"]),
        (["Memo", "memo", "MEMO"], ["memo", "memo_2", "memo_3"]),
        (["Total Amount", "total_amount"], ["total_amount", "total_amount_2"]),
        (["x", "x", "x_2"], ["x", "x_2", "x_2_2"]),
        (["", "ñ"], ["_c0", "_c1"]),
    ],
)
def test_unique_names_keeps_every_column(labels: list[str], names: list[str]) -> None:
    assert unique_names(labels) == names


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("transaction_id,store_id", None),
        ("Transaction ID,Store_Id,extra", None),
        ("", "CSV header line is empty"),
        ("  ", "CSV header line is empty"),
        ("T-1,S1,10.50", "CSV header line is missing"),
        (",,", "CSV header line is missing"),
    ],
)
def test_header_problem_names_an_empty_or_missing_header(header: str, problem: str | None) -> None:
    found = header_problem(header, COLUMNS)
    assert found == problem if problem is None else (found or "").startswith(problem)
