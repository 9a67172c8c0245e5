"""Turn any exception into one clear line, with secrets redacted."""

import os

from scout_spark.config import Config
from scout_spark.errors import ScoutError

_STORAGE_MARKERS = (
    "UnknownHostException",
    "NoSuchBucket",
    "AccessDeniedException",
    "Connection refused",
    "ConnectException",
    "SdkClientException",
    "AWSClientIOException",
    "UnknownStoreException",
    "Unable to execute HTTP request",
)
_MAX_LEN = 400


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "Traceback", "File ", "---")):
            return line[:_MAX_LEN]
    return "unknown error"


def redact(text: str, config: Config | None) -> str:
    """Replace the values of secret environment variables that leaked into `text`."""
    names = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    if config is not None:
        names.append(config.postgres.password_env)
    for name in names:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


def describe_error(exc: BaseException, config: Config | None) -> str:
    """One line saying what went wrong; storage failures name the lake root."""
    if isinstance(exc, ScoutError):
        return redact(str(exc), config)
    text = str(exc)
    first = _first_line(text)
    if config is not None and any(marker in text for marker in _STORAGE_MARKERS):
        first = f"cannot reach storage under {config.lake.root}: {first}"
    elif not first.startswith(type(exc).__name__):
        first = f"{type(exc).__name__}: {first}"
    return redact(first, config)
