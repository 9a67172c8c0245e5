"""Zero rows: a stage's latest run that succeeded, had new input, and wrote no rows.

Input, per ledger row of the stage's latest run (its newest succeeded, skipped or
failed row):
- bronze.<dataset>: new files planned (metric files_new) - files all rejected or empty
  give 0 rows;
- silver.<dataset>: bronze rows read - all quarantined gives 0 rows;
- gold: a succeeded run restated at least one sales date (a skipped run had nothing to do);
- platinum: gold rows read.
Bronze and silver are judged per dataset (their ledger parts); a dataset without a part in
the latest run had no input then. A latest run that failed is skipped: the run's own
failure row reports it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scout_spark.health_checks.results import ALERT, OK, SKIPPED, MonitorResult

MONITOR = "zero_rows"
PER_DATASET = ("bronze", "silver")
FINAL_STATUSES = ("succeeded", "skipped", "failed")


@dataclass(frozen=True)
class StageRun:
    """The ledger figures of one stage (or stage part, e.g. silver.items) of one run."""

    stage: str
    run_id: str
    status: str
    records_read: int
    records_written: int
    metrics: Mapping[str, str] = field(default_factory=dict)


def input_of(run: StageRun) -> int:
    """How much new input the run had, by its stage's measure (module docstring)."""
    stage = run.stage.split(".", 1)[0]
    if stage == "bronze":
        return int(run.metrics.get("files_new", "0"))
    if stage == "gold":
        return 1 if run.status == "succeeded" and run.metrics.get("restated_dates") != "0" else 0
    return run.records_read


def check_run(run: StageRun, subject: str) -> MonitorResult:
    """Alert when `run` succeeded with input but wrote 0 rows."""
    had = input_of(run)
    is_zero = run.status == "succeeded" and had > 0 and run.records_written == 0
    detail = (
        f"run {run.run_id} {run.status}: input {had}, {run.records_written} rows written"
        f"{f', {run.records_read} read' if run.records_read else ''}"
    )
    status = ALERT if is_zero else OK
    return MonitorResult(MONITOR, subject, status, float(run.records_written), float(had), detail)


def check_zero_rows(
    latest: Sequence[StageRun], *, stages: Sequence[str], datasets: Sequence[str]
) -> list[MonitorResult]:
    """`latest`: each stage's newest final row plus that run's part rows (bronze.<d>, ...)."""
    by_stage = {run.stage: run for run in latest}
    results = []
    for stage in stages:
        top = by_stage.get(stage)
        subjects = [f"{stage}.{d}" for d in datasets] if stage in PER_DATASET else [stage]
        if top is None or top.status == "failed":
            why = "never ran" if top is None else f"latest run {top.run_id} failed"
            results += [MonitorResult(MONITOR, s, SKIPPED, None, None, why) for s in subjects]
            continue
        for subject in subjects:
            run = top if subject == stage else by_stage.get(subject)
            if run is None or run.run_id != top.run_id:
                detail = f"run {top.run_id}: no new input"
                results.append(MonitorResult(MONITOR, subject, OK, None, 0.0, detail))
            else:
                results.append(check_run(run, subject))
    return results
