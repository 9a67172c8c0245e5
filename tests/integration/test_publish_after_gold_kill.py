"""A gold run killed midway: publish pins none of its half-rebuilt tables; a rerun heals."""

from collections.abc import Callable

import pytest
from dashboard import config_state
from publish_lake import fresh_schema
from pyspark.sql import SparkSession
from silver_lake import (
    add_second_delivery,
    run,
)

from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.errors import ScoutError

pytestmark = pytest.mark.postgres


class Killed(BaseException):
    """Stands for a SIGKILL: no `except Exception` of the stage sees it."""


def test_publish_refuses_a_gold_half_rebuilt_by_a_killed_run_until_gold_reruns(
    spark: SparkSession,
    lake_copy: Callable[[str], Config],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scout_spark.pipelines.gold as gold

    with fresh_schema(lake_copy("gold_kill")) as config:
        invoke(spark, config, "gold")
        invoke(spark, config, "publish")
        published = config_state(config)
        add_second_delivery(spark, config)
        run(spark, config)  # silver moves on: gold restates the new dates

        replace_dates, tables_written = gold.replace_dates, []

        def kill_after_two_tables(*args: object, **kwargs: object) -> object:
            written = replace_dates(*args, **kwargs)  # type: ignore[arg-type]
            tables_written.append(written)
            if len(tables_written) == 2:  # as SCOUT_CRASH_AT=gold.after_table would
                raise Killed("killed between two gold tables")
            return written

        with monkeypatch.context() as patched:
            patched.setattr(gold, "replace_dates", kill_after_two_tables)
            with pytest.raises(Killed):
                invoke(spark, config, "gold")
        with pytest.raises(ScoutError, match=r"gold run .* did not finish"):
            invoke(spark, config, "publish")
        assert config_state(config) == published

        rerun = invoke(spark, config, "gold")
        assert rerun.status == "succeeded" and "did not finish" in rerun.metrics["reason"]
        invoke(spark, config, "publish")
        healed = config_state(config)
        assert healed != published

    with fresh_schema(lake_copy("gold_clean")) as clean:
        add_second_delivery(spark, clean)
        run(spark, clean)
        invoke(spark, clean, "gold")
        invoke(spark, clean, "publish")
        assert config_state(clean) == healed
