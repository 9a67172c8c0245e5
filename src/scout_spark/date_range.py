"""The one date-range rule of every stage (silver's and the rebuilds' --from-date/--to-date,
bronze's --backfill-from/--backfill-to): both ends or neither, the start not after the end."""

from dataclasses import dataclass
from datetime import date, timedelta

from scout_spark.errors import ConfigError


@dataclass(frozen=True)
class DateRange:
    """Every day from `start` to `end`, both included."""

    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


def date_range(
    start: date | None, end: date | None, first: str = "--from-date", last: str = "--to-date"
) -> DateRange | None:
    """The range the two options name, None when neither is given; ConfigError for one end
    alone or a start after its end (`first`/`last` name the options in the message)."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise ConfigError(f"{first} and {last} go together")
    if start > end:
        raise ConfigError(f"{first} {start} is after {last} {end}")
    return DateRange(start, end)
