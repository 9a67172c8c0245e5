"""Any exception as one clear line, with secrets redacted (the config's password variable too)."""

from scout_spark.config import Config
from scout_spark.errors import ScoutError, error_line
from scout_spark.errors import redact as redact_text

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


def _secret_env(config: Config | None) -> tuple[str, ...]:
    return () if config is None else (config.postgres.password_env,)


def redact(text: str, config: Config | None) -> str:
    """`text` with every secret masked (the config's password variable among them)."""
    return redact_text(text, secret_env=_secret_env(config))


def describe_error(exc: BaseException, config: Config | None) -> str:
    """One line saying what went wrong; storage failures name the lake root."""
    if isinstance(exc, ScoutError):
        return redact(str(exc), config)
    first = error_line(exc, limit=_MAX_LEN, secret_env=_secret_env(config))
    if config is not None and any(marker in str(exc) for marker in _STORAGE_MARKERS):
        first = f"cannot reach storage under {config.lake.root}: {first}"
    elif type(exc).__name__ != "Py4JJavaError" and not first.startswith(type(exc).__name__):
        # A Py4JJavaError's line already names the Java exception's class.
        first = f"{type(exc).__name__}: {first}"
    return first


def failure_text(exc: Exception, *, limit: int = _MAX_LEN) -> str:
    """One redacted line: a Java error's own message and root cause, not the Py4J call."""
    java = getattr(exc, "java_exception", None)
    if java is None:
        return error_line(exc, limit=limit)
    root = java
    while root.getCause() is not None:
        root = root.getCause()
    if root.equals(java):
        return error_line(str(java.toString()), limit=limit)
    # The root cause says why (a bad number, a denied read): it keeps its room in the line.
    cause = f" (caused by {error_line(str(root.toString()), limit=limit // 2)})"
    return error_line(str(java.toString()), limit=max(limit - len(cause), 0)) + cause
