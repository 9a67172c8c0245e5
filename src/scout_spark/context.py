"""What a stage runs with: the session, the config, who runs it, its own typed options,
and as of which state it reads its inputs. Only the command line layer (cli/) builds it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.console import progress
from scout_spark.lake.as_of import AsOf

OptionsT = TypeVar("OptionsT")


@dataclass(frozen=True)
class RunIdentity:
    """Who is running: ids shared by every ledger row of one stage run."""

    run_id: str
    pipeline_run_id: str
    stage: str
    started_at: datetime


@dataclass(frozen=True)
class NoOptions:
    """A stage without options of its own."""


@dataclass(frozen=True)
class RunContext(Generic[OptionsT]):
    """The session, config, identity and options of one stage run."""

    spark: SparkSession
    config: Config
    who: RunIdentity
    options: OptionsT
    run_date: date | None = None  # the business date the run is for (--run-date)
    as_of: AsOf = field(default_factory=AsOf)

    def progress(self, message: str) -> None:
        """A progress line of this stage, with the seconds since it started."""
        progress(self.who.stage, self.who.started_at, message)
