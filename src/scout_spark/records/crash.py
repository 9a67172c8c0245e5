"""A crash seam for tests: SCOUT_CRASH_AT=<point> SIGKILLs the run's process group there.

Used by the crash-safety tests to stop a run exactly between two commits, as a lost
machine would; unset (always, in production) it does nothing.
"""

import os
import signal

CRASH_ENV = "SCOUT_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, without cleanup, when SCOUT_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.killpg(os.getpgrp(), signal.SIGKILL)
