"""A fixed sample of the chaos run (scripts/chaos.py): each stage's spark-submit SIGKILLed
once at a moment fixed by the seed, rerun, and every lake and dashboard table compared
with an uninterrupted run of the same stage from the same state."""

import pytest
from pyspark.sql import SparkSession

from scout_lab.bench.chaos_prepare import STAGES, Prepared
from scout_lab.bench.chaos_state import drop_world
from scout_lab.bench.chaos_trial import (
    finish,
    kill,
    kill_moment,
    prepared_reference,
    reference,
)

pytestmark = pytest.mark.e2e
SEED = 15  # fixes each stage's kill moment: a share of its uninterrupted run


@pytest.mark.parametrize("stage", STAGES)
def test_stage_killed_then_rerun_equals_uninterrupted(
    spark: SparkSession, request: pytest.FixtureRequest, stage: str
) -> None:
    """Each stage starts from the session's shared prepared state (tests/conftest.py). The
    reference is the uninterrupted run of the stage that prepared the next state (a
    pipeline stage's; rollback's: the session's shared rollback of run 2), else a run in
    this session (the stage's own seconds, no JVM start); the killed spark-submit dies
    `kill_moment` seconds after its stage began (its ledger row), inside the stage's work;
    the rerun runs in this session, as a retry would."""
    shared_states = "chaos_rolled_back" if stage == "rollback" else "chaos_prepared"
    prepared: Prepared = request.getfixturevalue(shared_states)
    start = prepared.before[stage]
    folder = prepared.landing.parent / "killed" / stage
    shared = prepared_reference(spark, prepared, stage)
    ref = shared or reference(spark, stage, start, folder / "reference", in_process=True)
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
        if shared is None:
            drop_world(ref.world)
        drop_world(killed.world)
