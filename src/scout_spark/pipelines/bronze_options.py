"""The bronze stage's options: one dataset or all, and an archive backfill range."""

from dataclasses import dataclass
from datetime import date

from scout_spark.errors import ConfigError
from scout_spark.schemas import DATASETS


@dataclass(frozen=True)
class BronzeOptions:
    """--dataset (one, or all) and the archive backfill range (both dates or neither)."""

    dataset: str = "all"
    backfill_from: date | None = None
    backfill_to: date | None = None

    def __post_init__(self) -> None:
        if self.dataset not in (*DATASETS, "all"):
            known = ", ".join((*DATASETS, "all"))
            raise ConfigError(f"bronze: dataset {self.dataset!r} is not one of {known}")
        start, end = self.backfill_from, self.backfill_to
        if (start is None) != (end is None):
            raise ConfigError("--backfill-from and --backfill-to go together")
        if start is not None and end is not None and start > end:
            raise ConfigError(f"--backfill-from {start} is after --backfill-to {end}")

    @property
    def backfill(self) -> tuple[date, date] | None:
        """The archive dates to read, when asked."""
        start, end = self.backfill_from, self.backfill_to
        return (start, end) if start is not None and end is not None else None
