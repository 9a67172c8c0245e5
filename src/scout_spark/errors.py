"""User-facing errors: printed as one clear line, never as a stack trace."""


class ScoutError(Exception):
    """An error the user can fix; its message is one line saying what and where."""


class ConfigError(ScoutError):
    """Invalid configuration or command-line arguments."""


class StorageUnreachableError(ScoutError):
    """The bucket or lake root cannot be read or written."""


class SetupError(ScoutError):
    """The machine lacks something the project installs (jars, services)."""
