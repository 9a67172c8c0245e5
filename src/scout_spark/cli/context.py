"""What a stage gets to run with."""

import argparse
from dataclasses import dataclass
from datetime import date

from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.ops.ledger import RunIdentity


@dataclass(frozen=True)
class RunContext:
    """The session, config, parsed arguments and identity of one stage run."""

    spark: SparkSession
    config: Config
    args: argparse.Namespace
    who: RunIdentity

    @property
    def run_date(self) -> date | None:
        return getattr(self.args, "run_date", None)
