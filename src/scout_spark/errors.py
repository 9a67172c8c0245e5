"""User-facing errors: printed as one clear line, never as a stack trace.

Also the one way to turn an exception into a line of text: `error_line` redacts every
secret it knows of and only then cuts, so a secret straddling the cut never leaks its start.
"""

import os
import re
from collections.abc import Iterable


class ScoutError(Exception):
    """An error the user can fix; its message is one line saying what and where."""


class ConfigError(ScoutError):
    """Invalid configuration or command-line arguments."""


class StorageUnreachableError(ScoutError):
    """The bucket or lake root cannot be read or written."""


class SetupError(ScoutError):
    """The machine lacks something the project installs (jars, services)."""


MASK = "***"
# Environment variables always redacted, whatever the config names (4+ characters).
SECRET_ENV = (
    "SCOUT_PG_PASSWORD", "PGPASSWORD", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET", "AZURE_STORAGE_KEY",
)  # fmt: skip
# Any other variable whose name says it holds a secret; 8+ characters, so that a flag such
# as SOME_TOKEN_ENABLED=true does not mask every "true" in a message.
_SECRET_ENV_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY$", re.I)
_SECRET_WORD = (
    r"password|passwd|pwd|secret|token|credential|access[._-]?key|account[._-]?key"
    r"|api[._-]?key|private[._-]?key|signature|\bsig"
)
_PATTERNS = (
    # user:password@ in a URL (JDBC, S3, HTTP): keep the user, mask the password.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@]*):[^\s/@]*@"), rf"\1:{MASK}@"),
    # password=..., "secret": "...", fs.s3a.secret.key=..., &sig=... in key=value text.
    (
        re.compile(
            rf"(?i)([\w.-]*(?:{_SECRET_WORD})[\w.-]*[\"']?\s*[=:]\s*)"
            r"(\"[^\"]*\"|'[^']*'|[^\s&;,\"'}]+)"
        ),
        rf"\1{MASK}",
    ),
    (re.compile(r"(?i)\bbearer\s+[\w.~+/=-]+"), f"Bearer {MASK}"),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),  # AWS access key ids
)
_PY4J_CALL = re.compile(r"An error occurred while calling [\w.$]+\.?$")
_STACK_FRAME = ("at ", "Traceback", "File ", "---", "...")


def _secret_values(secret_env: Iterable[str]) -> list[str]:
    named = [os.environ.get(name, "") for name in (*SECRET_ENV, *secret_env)]
    guessed = [v for k, v in os.environ.items() if _SECRET_ENV_NAME.search(k) and len(v) >= 8]
    # Longest first: a secret containing another is masked whole.
    return sorted({v for v in named if len(v) >= 4} | set(guessed), key=len, reverse=True)


def redact(text: str, *, secret_env: Iterable[str] = ()) -> str:
    """`text` with secrets masked: values of secret environment variables (those named in
    SECRET_ENV or `secret_env`, or whose name says secret), URL passwords, secret-looking
    key=value pairs and bearer tokens."""
    for value in _secret_values(secret_env):
        text = text.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def error_line(
    exc: BaseException | str, *, limit: int = 200, secret_env: Iterable[str] = ()
) -> str:
    """The first meaningful line of an error, redacted, then cut to `limit` characters."""
    text = redact(str(exc), secret_env=secret_env)
    for line in text.strip().splitlines():
        # py4j's "An error occurred while calling o174.save." says nothing: the Java
        # exception's class and message follow on the next line, after ": ".
        line = line.strip().removeprefix(": ").strip()
        if line and not line.startswith(_STACK_FRAME) and not _PY4J_CALL.match(line):
            return line[:limit]
    return type(exc).__name__ if isinstance(exc, BaseException) else "unknown error"
