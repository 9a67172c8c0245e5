"""Lines on stderr are written whole."""

import io
from datetime import UTC, datetime, timedelta

import pytest

from scout_spark import console


class Writes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return super().write(text)


def test_say_writes_the_line_and_its_newline_in_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = Writes()
    monkeypatch.setattr("sys.stderr", stderr)
    console.say("waiting for bronze_items: held by run R")
    assert stderr.calls == ["waiting for bronze_items: held by run R\n"]


def test_progress_says_the_stage_what_is_done_and_the_seconds_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stderr = Writes()
    monkeypatch.setattr("sys.stderr", stderr)
    started = datetime.now(UTC) - timedelta(seconds=42.4)

    console.progress("silver", started, "items: checked 3,223,656 rows, 0 to quarantine")

    assert stderr.calls == ["  silver items: checked 3,223,656 rows, 0 to quarantine (42 s)\n"]
