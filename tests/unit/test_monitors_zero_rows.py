"""Zero-rows monitor: a latest run that succeeded with input but wrote nothing."""

import pytest

from scout_spark.health_checks.results import ALERT, OK, SKIPPED
from scout_spark.health_checks.zero_rows import StageRun, check_zero_rows

DATASETS = ("transactions", "items")


def run(stage: str, read: int = 0, written: int = 0, status: str = "succeeded",
        run_id: str = "r2", **metrics: str) -> StageRun:  # fmt: skip
    return StageRun(stage, run_id, status, read, written, metrics)


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        # silver: read rows but wrote none (all quarantined) -> alert for that dataset only
        (
            [run("silver", 10, 0), run("silver.transactions", 10, 0), run("silver.items", 5, 5)],
            {"silver.transactions": ALERT, "silver.items": OK},
        ),
        (
            [run("silver", 15, 13), run("silver.transactions", 10, 8), run("silver.items", 5, 5)],
            {"silver.transactions": OK, "silver.items": OK},
        ),
        # a silver run with nothing new records no parts; an older run's part is not judged
        (
            [run("silver", status="skipped"), run("silver.transactions", 10, 0, run_id="r1")],
            {"silver.transactions": OK, "silver.items": OK},
        ),
        (
            [run("silver", status="failed")],
            {"silver.transactions": SKIPPED, "silver.items": SKIPPED},
        ),
        ([], {"silver.transactions": SKIPPED, "silver.items": SKIPPED}),
    ],
)
def test_check_zero_rows_silver(latest: list[StageRun], expected: dict[str, str]) -> None:
    results = check_zero_rows(latest, stages=("silver",), datasets=DATASETS)
    assert {r.subject: r.status for r in results} == expected
    assert [r.subject for r in results] == list(expected)


NO_NEW_FILES = run("bronze.transactions", status="skipped", files_new="0")


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        # bronze: new files but 0 rows (all rejected or empty) -> alert; no new files -> ok
        ([run("bronze"), run("bronze.transactions", files_new="2")], ALERT),
        ([run("bronze", 40, 40), run("bronze.transactions", 40, 40, files_new="2")], OK),
        ([run("bronze", status="skipped"), NO_NEW_FILES], OK),
        # gold: restated dates but wrote nothing -> alert; skipped (nothing to do) -> ok
        ([run("gold", 0, 0, restated_dates="3")], ALERT),
        ([run("gold", 0, 0, restated_dates="all")], ALERT),
        ([run("gold", 90, 120, restated_dates="3")], OK),
        ([run("gold", status="skipped", mode="incremental")], OK),
        # platinum: read gold rows but wrote none -> alert
        ([run("platinum", 50, 0)], ALERT),
        ([run("platinum", 50, 12)], OK),
        ([run("platinum", status="skipped")], OK),
    ],
)
def test_check_zero_rows_first_subject(latest: list[StageRun], status: str) -> None:
    stage = latest[0].stage
    results = check_zero_rows(latest, stages=(stage,), datasets=DATASETS)
    assert results[0].subject == latest[-1].stage
    assert results[0].status == status
    assert all(r.status == OK for r in results[1:])


def test_check_zero_rows_result_values() -> None:
    latest = [run("silver", 10, 0), run("silver.transactions", 10, 0)]
    alert, quiet = check_zero_rows(latest, stages=("silver",), datasets=DATASETS)
    assert (alert.monitor, alert.status, alert.observed, alert.expected) == (
        "zero_rows", ALERT, 0.0, 10.0,
    )  # fmt: skip
    assert alert.detail == "run r2 succeeded: input 10, 0 rows written, 10 read"
    assert (quiet.subject, quiet.status, quiet.detail) == (
        "silver.items",
        OK,
        "run r2: no new input",
    )
