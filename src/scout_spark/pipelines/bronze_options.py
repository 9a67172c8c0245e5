"""The bronze stage's options: one dataset or all, and an archive backfill range."""

from dataclasses import dataclass
from datetime import date

from scout_spark.date_range import DateRange, date_range
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
        self.backfill  # noqa: B018 - checks the range

    @property
    def backfill(self) -> DateRange | None:
        """The archive dates to read, when asked."""
        return date_range(self.backfill_from, self.backfill_to, "--backfill-from", "--backfill-to")
