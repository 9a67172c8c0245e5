"""The silver stage's options: one mode per run."""

from dataclasses import dataclass
from datetime import date

from scout_spark.date_range import DateRange, date_range
from scout_spark.errors import ConfigError


@dataclass(frozen=True)
class SilverOptions:
    """At most one of --full-refresh, a --from-date/--to-date range (both dates) and
    --replay-quarantine; --quality-rules names another rules file."""

    full_refresh: bool = False
    from_date: date | None = None
    to_date: date | None = None
    replay_quarantine: bool = False
    quality_rules: str | None = None

    def __post_init__(self) -> None:
        chosen = [
            name
            for name, on in (
                ("--full-refresh", self.full_refresh),
                ("--from-date/--to-date", self.from_date is not None or self.to_date is not None),
                ("--replay-quarantine", self.replay_quarantine),
            )
            if on
        ]
        if len(chosen) > 1:
            raise ConfigError(f"silver: {' and '.join(chosen)} cannot be combined")
        self.dates  # noqa: B018 - checks the range

    @property
    def dates(self) -> DateRange | None:
        """The --from-date/--to-date range of bronze _ingest_dates to check again."""
        return date_range(self.from_date, self.to_date)

    @property
    def mode(self) -> str:
        """incremental, full_refresh, date_range or replay."""
        if self.full_refresh:
            return "full_refresh"
        if self.dates is not None:
            return "date_range"
        return "replay" if self.replay_quarantine else "incremental"
