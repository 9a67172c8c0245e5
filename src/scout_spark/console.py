"""Progress and warning lines on stderr, whole even when threads print at once."""

import sys


def say(line: str) -> None:
    """`line` and its newline in ONE write: print() writes them apart, so two threads'
    lines ran together ("...held by run Rwaiting for ...")."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
