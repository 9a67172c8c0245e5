"""The options of the stages that rebuild from their inputs (gold, platinum)."""

from dataclasses import dataclass
from datetime import date

from scout_spark.date_range import DateRange, date_range
from scout_spark.errors import ConfigError


@dataclass(frozen=True)
class BuildOptions:
    """--full-refresh, or a --from-date/--to-date range (both dates) to rebuild."""

    full_refresh: bool = False
    from_date: date | None = None
    to_date: date | None = None

    def __post_init__(self) -> None:
        if self.dates is not None and self.full_refresh:
            raise ConfigError("--full-refresh rebuilds every date: drop --from-date/--to-date")

    @property
    def dates(self) -> DateRange | None:
        """The --from-date/--to-date range, or None without one."""
        return date_range(self.from_date, self.to_date)
