"""A fixed sample of the chaos run (scripts/chaos.py): each stage's spark-submit SIGKILLed
once at a moment fixed by the seed, rerun, and every lake and dashboard table compared
with an uninterrupted run of the same stage from the same state."""

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from scout_lab.bench.chaos_prepare import (
    STAGES,
    LandingSize,
    Prepared,
    drop_prepared,
    prepare,
)
from scout_lab.bench.chaos_state import drop_world
from scout_lab.bench.chaos_trial import finish, kill, kill_moment, reference
from scout_spark.config import Config

pytestmark = pytest.mark.e2e
SEED = 15  # fixes each stage's kill moment: a share of its uninterrupted run
TINY = LandingSize(days=2, transactions_per_day=60)


@pytest.fixture(scope="module")
def prepared(
    spark: SparkSession,
    test_config: Config,
    services_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Prepared]:
    """Every stage's starting state, built once in this session from a tiny landing."""
    ready = prepare(spark, test_config, tmp_path_factory.mktemp("chaos"), TINY)
    yield ready
    drop_prepared(ready)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_killed_then_rerun_equals_uninterrupted(
    spark: SparkSession, prepared: Prepared, stage: str
) -> None:
    """The reference runs in this session (the stage's own seconds, no JVM start); the
    killed spark-submit dies `kill_moment` seconds after its stage began (its ledger row),
    inside the stage's work; the rerun runs in this session, as a retry would."""
    start, folder = prepared.before[stage], prepared.landing.parent / stage
    ref = reference(spark, stage, start, folder / "reference", in_process=True)
    moment = kill_moment(SEED, stage, 0, ref.seconds)
    killed = kill(stage, start, folder / "trial", moment, from_stage_start=True)
    try:
        assert killed.run.killed, f"{stage} ended before its kill moment; see {killed.run.log}"

        result = finish(spark, killed, ref, in_process=True)

        assert result.rerun.returncode == 0, f"{stage} rerun failed after a kill at {moment}s"
        differing = {
            name: f"lost {t.lost}, duplicated {t.duplicated}, extra {t.extra} of {t.reference_rows}"
            for name, t in result.comparison.differing().items()
        }
        assert not differing, f"{stage} killed at {moment}s, rerun: {differing}"
        assert result.comparison.tables, "nothing compared"
    finally:
        drop_world(ref.world)
        drop_world(killed.world)
