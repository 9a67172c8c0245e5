"""failure_text: a file's read failure as one redacted line, the Java root cause included."""

import pytest

from scout_spark.errors import MASK
from scout_spark.runtime.error_text import failure_text

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class FakeJava:
    """Stands for a Py4J Java throwable: toString, getCause, equals."""

    def __init__(self, text: str, cause: "FakeJava | None" = None) -> None:
        self.text, self.cause = text, cause

    def toString(self) -> str:
        return self.text

    def getCause(self) -> "FakeJava | None":
        return self.cause

    def equals(self, other: object) -> bool:
        return self is other


class FakePy4JError(Exception):
    def __init__(self, java: FakeJava) -> None:
        super().__init__("An error occurred while calling o123.save.\n: trace")
        self.java_exception = java


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)


def test_failure_text_redacts_a_python_error_then_cuts_it(secret: None) -> None:
    text = failure_text(RuntimeError("x" * 395 + SECRET + "\nat line two"), limit=400)
    assert text == "x" * 395 + MASK  # the first line only, the secret masked before the cut


def test_failure_text_names_the_java_error_and_its_root_cause_redacted(secret: None) -> None:
    root = FakeJava(f"java.io.IOException: denied for key {SECRET}\n\tat Foo.bar(Foo.java:1)")
    top = FakeJava("org.apache.spark.SparkException: Job aborted.", FakeJava("middle", root))
    text = failure_text(FakePy4JError(top))
    assert text == (
        f"org.apache.spark.SparkException: Job aborted. "
        f"(caused by java.io.IOException: denied for key {MASK})"
    )


def test_failure_text_keeps_the_root_cause_of_a_long_java_error() -> None:
    root = FakeJava("java.lang.NumberFormatException: not a number")
    top = FakeJava("org.apache.spark.SparkException: " + "y" * 1000, root)
    text = failure_text(FakePy4JError(top), limit=300)
    assert len(text) <= 300
    assert text.endswith("(caused by java.lang.NumberFormatException: not a number)")
