"""Rollback planning from a table's commit history, and the pipeline's stage range."""

import pytest

from scout_spark.cli.pipeline import pipeline_stages
from scout_spark.errors import ScoutError
from scout_spark.lake.commit_tag import run_tag, tag_parts, undo_tag
from scout_spark.ops.rollback import Commit, TableRollback, plan_table

A, B = run_tag("p2-silver"), run_tag("p3-silver")


def _history(*tags: str | None) -> list[Commit]:
    return [Commit(version, tag) for version, tag in enumerate(tags)]


@pytest.mark.parametrize(
    ("commits", "expected"),
    [
        (_history(None, A), TableRollback("t", 1, 0, ())),
        (_history(None, None, A, A, A), TableRollback("t", 4, 1, ())),
        (_history(A), TableRollback("t", 0, None, ())),  # created by the run: emptied
        (_history(None, A, B), TableRollback("t", 2, 0, ("p3-silver",))),
        (_history(None, A, None, A), TableRollback("t", 3, 0, ("an untagged writer",))),
        (_history(None, B), None),  # the run never wrote this table
        (_history(None, B, A), TableRollback("t", 2, 1, ())),  # earlier runs stay
    ],
)  # fmt: skip
def test_plan_table_restores_to_the_version_before_the_runs_first_commit(
    commits: list[Commit], expected: TableRollback | None
) -> None:
    assert plan_table("t", commits, {A}) == expected


def test_plan_table_covers_every_stage_of_a_pipeline_run() -> None:
    commits = _history(None, A, B)
    assert plan_table("t", commits, {A, B}) == TableRollback("t", 2, 0, ())


def test_a_rerun_of_a_killed_rollback_is_not_blocked_by_its_own_restores() -> None:
    killed = undo_tag("rollback-1", "p2-silver")  # restored this table, then died
    commits = _history(None, A, killed)
    assert plan_table("t", commits, {A}, "p2-silver") == TableRollback("t", 2, 0, ())
    other = undo_tag("rollback-2", "p3-silver")  # a rollback of another run is a later run
    blocked = plan_table("t", _history(None, A, other), {A}, "p2-silver")
    assert blocked is not None and blocked.later_runs == ("rollback-2",)


def test_a_rollback_can_be_rolled_back_by_its_run_id() -> None:
    commits = _history(None, A, undo_tag("rollback-1", "p2-silver"))
    assert tag_parts(commits[2].tag) == (run_tag("rollback-1"), "p2-silver")
    assert plan_table("t", commits, {run_tag("rollback-1")}) == TableRollback("t", 2, 1, ())


def test_pipeline_stages_slices_the_order_and_refuses_a_reversed_range() -> None:
    assert pipeline_stages("silver", "platinum") == ["silver", "gold", "platinum"]
    assert pipeline_stages("publish", "publish") == ["publish"]
    with pytest.raises(ScoutError, match="--from-stage gold comes after --to-stage silver"):
        pipeline_stages("gold", "silver")
