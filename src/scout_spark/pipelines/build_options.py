"""The options of the stages that rebuild from their inputs (gold, platinum)."""

from dataclasses import dataclass
from datetime import date, timedelta

from scout_spark.errors import ConfigError
from scout_spark.pipelines.date_range import check_date_range


@dataclass(frozen=True)
class BuildOptions:
    """--full-refresh, or a --from-date/--to-date range (both dates) to rebuild."""

    full_refresh: bool = False
    from_date: date | None = None
    to_date: date | None = None

    def __post_init__(self) -> None:
        check_date_range(self.from_date, self.to_date, paired=True)
        if self.from_date is not None and self.full_refresh:
            raise ConfigError("--full-refresh rebuilds every date: drop --from-date/--to-date")

    @property
    def dates(self) -> list[date] | None:
        """Every date of the --from-date/--to-date range, or None without one."""
        start, end = self.from_date, self.to_date
        if start is None or end is None:
            return None
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
