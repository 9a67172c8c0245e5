"""The silver stage's options: one mode per run."""

from dataclasses import dataclass
from datetime import date

from scout_spark.errors import ConfigError
from scout_spark.pipelines.date_range import check_date_range


@dataclass(frozen=True)
class SilverOptions:
    """At most one of --full-refresh, a --from-date/--to-date range (either end may be
    open) and --replay-quarantine; --quality-rules names another rules file."""

    full_refresh: bool = False
    from_date: date | None = None
    to_date: date | None = None
    replay_quarantine: bool = False
    quality_rules: str | None = None

    def __post_init__(self) -> None:
        start, end = self.from_date, self.to_date
        chosen = [
            name
            for name, on in (
                ("--full-refresh", self.full_refresh),
                ("--from-date/--to-date", start is not None or end is not None),
                ("--replay-quarantine", self.replay_quarantine),
            )
            if on
        ]
        if len(chosen) > 1:
            raise ConfigError(f"silver: {' and '.join(chosen)} cannot be combined")
        check_date_range(start, end, paired=False, stage="silver: ")

    @property
    def mode(self) -> str:
        """incremental, full_refresh, date_range or replay."""
        if self.full_refresh:
            return "full_refresh"
        if self.from_date is not None or self.to_date is not None:
            return "date_range"
        return "replay" if self.replay_quarantine else "incremental"
