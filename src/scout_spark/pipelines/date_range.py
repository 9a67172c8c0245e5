"""The one check every stage's date range goes through: a start after its end is refused,
and a range that needs both ends says so."""

from datetime import date

from scout_spark.errors import ConfigError


def check_date_range(
    start: date | None,
    end: date | None,
    first: str = "--from-date",
    last: str = "--to-date",
    *,
    paired: bool,
    stage: str = "",
) -> None:
    """ConfigError for an end without its start (when `paired`) or a start after its end;
    `stage` prefixes the second message (e.g. "silver: ")."""
    if paired and (start is None) != (end is None):
        raise ConfigError(f"{first} and {last} go together")
    if start is not None and end is not None and start > end:
        raise ConfigError(f"{stage}{first} {start} is after {last} {end}")
