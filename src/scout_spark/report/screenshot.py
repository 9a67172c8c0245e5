"""Render a local HTML file to PNG with headless Chromium (Debian's `chromium` package).

The browser gets a throwaway profile, no background networking and a host resolver that
resolves nothing, so rendering a report never contacts another host.
"""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from scout_spark.errors import SetupError

CHROMIUM_NAMES = ("chromium", "chromium-browser")
_QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def find_chromium() -> str:
    """The Chromium executable on PATH; SetupError naming the package when missing."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SetupError("chromium not found: run scripts/setup.sh (apt-get install chromium)")


def chromium_command(
    html_file: Path, png_file: Path, *, profile_dir: Path, width: int, height: int
) -> list[str]:
    """The headless Chromium command line that screenshots `html_file` into `png_file`."""
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []  # root cannot use the sandbox
    return [
        find_chromium(),
        "--headless",
        "--disable-gpu",
        *sandbox,
        *_QUIET_FLAGS,
        f"--user-data-dir={profile_dir}",
        f"--window-size={width},{height}",
        f"--screenshot={png_file}",
        html_file.resolve().as_uri(),
    ]


def take_screenshot(
    html_file: Path,
    png_file: Path,
    *,
    width: int = 1280,
    height: int = 2000,
    timeout_seconds: float = 120.0,
) -> Path:
    """Screenshot the top `width` x `height` pixels of a local page into `png_file`."""
    if not html_file.is_file():
        raise SetupError(f"screenshot: no such file {html_file}")
    png_file.parent.mkdir(parents=True, exist_ok=True)
    png_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="scout-chromium-") as profile:
        command = chromium_command(
            html_file, png_file, profile_dir=Path(profile), width=width, height=height
        )
        # A session of its own, so a hung browser and its helpers can be ended together.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=timeout_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise SetupError(f"chromium did not finish within {timeout_seconds:.0f}s") from None
    if process.returncode != 0 or not png_file.is_file():
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        raise SetupError(f"chromium exited {process.returncode} without a screenshot: {tail}")
    return png_file
