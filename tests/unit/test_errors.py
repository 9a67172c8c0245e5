"""error_line: redact every known secret first, then cut; one helper for every error line."""

import dataclasses

import pytest

from scout_spark.config import load_config
from scout_spark.errors import MASK, error_line, redact
from scout_spark.publish.connection import safe_message
from scout_spark.runtime.error_text import describe_error

PASSWORD = "Tr0ub4dor-and-3-horses"


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOUT_TEST_PG_PASSWORD", PASSWORD)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def _straddling(secret: str, limit: int) -> RuntimeError:
    """An error whose first line has `secret` starting 5 characters before the cut."""
    return RuntimeError("x" * (limit - 5) + secret + " tail\nsecond line")


@pytest.mark.parametrize("limit", [160, 200, 400])
def test_error_line_redacts_a_secret_straddling_the_cut(secrets: None, limit: int) -> None:
    line = error_line(
        _straddling(PASSWORD, limit), limit=limit, secret_env=["SCOUT_TEST_PG_PASSWORD"]
    )
    assert line == "x" * (limit - 5) + MASK + " t"[: 5 - len(MASK)]
    assert PASSWORD[:5] not in line


def test_safe_message_redacts_a_password_straddling_the_cut(secrets: None) -> None:
    pg = dataclasses.replace(load_config("local").postgres, password_env="SCOUT_TEST_PG_PASSWORD")
    message = safe_message(_straddling(PASSWORD, 400), pg)
    assert PASSWORD[:5] not in message and len(message) <= 400


def test_describe_error_redacts_before_it_cuts(secrets: None) -> None:
    config = load_config("local", overrides=["postgres.password_env=SCOUT_TEST_PG_PASSWORD"])
    message = describe_error(_straddling(PASSWORD, 400), config)
    assert PASSWORD[:5] not in message and "\n" not in message


REDACT_CASES = [
    ("FATAL: login failed, password=hunter2x; retry", f"FATAL: login failed, password={MASK}; retry"),
    ('config {"secret": "abc def", "user": "u"}', f'config {{"secret": {MASK}, "user": "u"}}'),
    ("jdbc:postgresql://db:5432/scout?user=u&password=pw9&ssl=1",
     f"jdbc:postgresql://db:5432/scout?user=u&password={MASK}&ssl=1"),
    ("cannot open postgresql://scout:pa55word@db:5432/scout",
     f"cannot open postgresql://scout:{MASK}@db:5432/scout"),
    ("s3a: fs.s3a.secret.key = abcd1234, fs.s3a.session.token=tok",
     f"s3a: fs.s3a.secret.key = {MASK}, fs.s3a.session.token={MASK}"),
    ("Authorization: Bearer eyJhbGciOi.J9x", f"Authorization: Bearer {MASK}"),
    ("key AKIAIOSFODNN7EXAMPLE denied", f"key {MASK} denied"),
    ("secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked", f"secret key {MASK} leaked"),
    ("password authentication failed for user scout", "password authentication failed for user scout"),
    ("Table not found: gold/transactions", "Table not found: gold/transactions"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), REDACT_CASES)
def test_redact_masks_secret_values_and_secret_looking_pairs(
    secrets: None, text: str, expected: str
) -> None:
    assert redact(text) == expected


def test_error_line_takes_the_first_line_that_is_not_a_stack_frame() -> None:
    java = "\n\tat org.apache.Foo.bar(Foo.java:1)\nDELTA_FAILED: bad thing\n\tat x"
    assert error_line(RuntimeError(java)) == "DELTA_FAILED: bad thing"
    assert error_line(ValueError("")) == "ValueError"


class Py4JJavaError(Exception):
    """Stands in for py4j's class: its text starts with the call, then the Java exception."""


def test_a_py4j_error_is_described_by_the_java_exception_it_carries() -> None:
    exc = Py4JJavaError(
        "An error occurred while calling o174.save.\n"
        ": io.delta.exceptions.ProtocolChangedException: [DELTA_PROTOCOL_CHANGED] changed\n"
        "\tat org.apache.spark.sql.delta.DeltaErrorsBase.x(DeltaErrors.scala:1)"
    )
    expected = "io.delta.exceptions.ProtocolChangedException: [DELTA_PROTOCOL_CHANGED] changed"
    assert error_line(exc) == expected
    assert describe_error(exc, None) == expected
