"""Progress and warning lines on stderr, whole even when threads print at once."""

import sys
from datetime import UTC, datetime


def say(line: str) -> None:
    """`line` and its newline in ONE write: print() writes them apart, so two threads'
    lines ran together ("...held by run Rwaiting for ...")."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def progress(stage: str, started: datetime, message: str) -> None:
    """A long stage's progress line, `  <stage> <message> (<seconds since started> s)`."""
    seconds = (datetime.now(UTC) - started).total_seconds()
    say(f"  {stage} {message} ({seconds:.0f} s)")
