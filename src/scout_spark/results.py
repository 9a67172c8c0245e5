"""What a stage reports back to the runner, recorded in the run ledger."""

from dataclasses import dataclass, field

STATUSES = ("running", "succeeded", "failed", "skipped")


@dataclass(frozen=True)
class TableVersions:
    """Delta versions of one table before and after a stage wrote it (None: no table)."""

    before: int | None
    after: int | None


@dataclass(frozen=True)
class StageResult:
    """Counts and versions of one successful (or skipped) stage run."""

    status: str = "succeeded"
    records_read: int = 0
    records_written: int = 0
    records_quarantined: int = 0
    duplicates_collapsed: int = 0
    data_quality_score: float | None = None
    tables: dict[str, TableVersions] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    # Sub-results recorded as ledger rows of their own, stage "<stage>.<part>".
    parts: dict[str, "StageResult"] = field(default_factory=dict)
