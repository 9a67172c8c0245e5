"""What the run report shows, as plain frozen values: built by `collect`, drawn by `page`."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class StageRun:
    """The latest ledger row of one (run_id, stage); parts have stages like 'silver.items'."""

    run_id: str
    stage: str
    status: str
    started_at: datetime
    duration_seconds: float | None
    records_read: int | None
    records_written: int | None
    records_quarantined: int | None
    data_quality_score: float | None = None
    error_message: str | None = None

    @property
    def is_part(self) -> bool:
        return "." in self.stage


@dataclass(frozen=True)
class TableRows:
    """One Delta table of the lake: its layer, name, current version, rows and size."""

    layer: str
    name: str  # e.g. "silver/transactions"
    version: int | None
    rows: int
    files: int | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class QualityPoint:
    """The data quality score one silver run (or one of its dataset parts) reported."""

    series: str  # "silver" or "silver.<dataset>"
    run_id: str
    started_at: datetime
    score: float


@dataclass(frozen=True)
class QuarantineReason:
    """How many quarantined rows of one dataset failed one rule."""

    dataset: str
    rule: str
    rows: int


@dataclass(frozen=True)
class MonitorAlert:
    """One platinum/run_monitors row in alert."""

    monitor: str
    subject: str
    observed: float | None
    expected: float | None
    detail: str | None
    checked_at: datetime


@dataclass(frozen=True)
class MonitorCheck:
    """The latest monitor check: when, its status counts and the rows in alert."""

    run_id: str
    checked_at: datetime
    status_counts: dict[str, int]
    alerts: tuple[MonitorAlert, ...]


@dataclass(frozen=True)
class ReportData:
    """Everything on the page; `monitors` is None when there are no monitor results yet."""

    env: str
    pipeline_name: str
    lake_root: str
    generated_at: datetime
    days: int
    runs: tuple[StageRun, ...] = ()
    tables: tuple[TableRows, ...] = ()
    quality: tuple[QualityPoint, ...] = ()
    quarantine: tuple[QuarantineReason, ...] = ()
    monitors: MonitorCheck | None = None
    notes: tuple[str, ...] = field(default=())
