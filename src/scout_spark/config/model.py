"""Typed, frozen configuration objects; built only by `scout_spark.config.loader`."""

from dataclasses import dataclass, field

ENVS = ("local", "dev", "staging", "prod")
JARS_MODES = ("local_cache", "none")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
MONITORED_STAGES = ("bronze", "silver", "gold", "platinum")  # monitors.zero_rows.stages
DATED_DATASETS = ("transactions", "items")  # monitors.date_gaps.datasets


@dataclass(frozen=True)
class DatasetSource:
    """Where one dataset's files land: globs relative to the source root."""

    patterns: tuple[str, ...]
    # Folders matching these globs are ingested only once they hold the marker file.
    marker_required: tuple[str, ...]
    # Backfill-only globs (archive/), ingested on demand for a date range.
    archive: tuple[str, ...]


@dataclass(frozen=True)
class DatasetSources:
    """The four datasets of the source contract."""

    transactions: DatasetSource
    items: DatasetSource
    customers: DatasetSource
    stores: DatasetSource


@dataclass(frozen=True)
class SourceConfig:
    """Where landing files are read from, and how they are found."""

    root: str
    marker_file: str
    datasets: DatasetSources


@dataclass(frozen=True)
class LakeConfig:
    """Where the Delta tables live, and how writers take turns."""

    root: str
    lock_wait_seconds: int  # how long a second writer waits for the table lock
    lock_stale_seconds: int  # a lock not renewed for this long (its run died) may be broken
    deletion_vectors: bool  # new tables: MERGE/UPDATE/DELETE mark rows, files are not rewritten


@dataclass(frozen=True)
class SparkConfig:
    """How the SparkSession is built."""

    app_name: str
    master: str | None
    jars: str
    shuffle_partitions: int
    ui_enabled: bool
    driver_memory: str | None
    log_level: str
    extra_conf: dict[str, str] = field(default_factory=dict)
    # sc://host:port: run as a Spark Connect client (as SPARK_REMOTE does); None: classic.
    remote: str | None = None


@dataclass(frozen=True)
class S3Config:
    """S3A settings; credentials come from the AWS default chain, never from config."""

    endpoint: str | None
    region: str
    path_style_access: bool
    ssl_enabled: bool
    credentials_provider: str | None
    disable_ec2_metadata: bool


@dataclass(frozen=True)
class PostgresConfig:
    """Dashboard database; the password is read from the env var named by `password_env`."""

    host: str
    port: int
    database: str
    user: str
    password_env: str
    sslmode: str
    schema: str
    statement_timeout_ms: int
    connect_timeout_s: int
    # host[:port]/database this env may publish to (None: any but another env's target).
    target: str | None = None


@dataclass(frozen=True)
class PublishConfig:
    """What goes to the dashboard's Postgres."""

    # Row-level tables keep the sales dates after D - window_days (D: latest in gold).
    window_days: int


@dataclass(frozen=True)
class FreshnessConfig:
    """Hours a dataset may go without new rows reaching bronze before its monitor alerts."""

    transactions: int
    items: int
    customers: int
    stores: int


@dataclass(frozen=True)
class VolumeConfig:
    """Rows of a bronze run against the median of the trailing runs that ingested rows."""

    baseline_runs: int
    min_baseline_runs: int  # fewer trailing runs than this: the monitor is skipped
    low_ratio: float  # alert below low_ratio x median ...
    high_ratio: float  # ... or above high_ratio x median


@dataclass(frozen=True)
class ZeroRowsConfig:
    """Stages whose latest run must write rows whenever it had new input."""

    stages: tuple[str, ...]


@dataclass(frozen=True)
class DateGapsConfig:
    """Datasets whose every date in the look-back needs a complete partition ingested."""

    datasets: tuple[str, ...]
    lookback_days: int


@dataclass(frozen=True)
class ReconciliationConfig:
    """Sales dates compared (gold vs silver) and the money difference tolerated."""

    lookback_days: int
    money_tolerance: float  # largest |difference| of gross sales; 0: exact to the cent


@dataclass(frozen=True)
class MonitorsConfig:
    """The checks of the `monitor` stage (docs/monitors.md)."""

    freshness_hours: FreshnessConfig
    volume: VolumeConfig
    zero_rows: ZeroRowsConfig
    date_gaps: DateGapsConfig
    reconciliation: ReconciliationConfig


@dataclass(frozen=True)
class LayerMaintenance:
    """OPTIMIZE and VACUUM of one layer's tables (jobs/maintain.py)."""

    optimize: bool
    vacuum_retention_hours: int  # never below maintenance.rollback_window_hours
    # table name (under the layer) -> columns queries filter on, comma-separated: Z-ORDER BY
    zorder: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MaintenanceConfig:
    """Per-layer maintenance; VACUUM must keep what a rollback or time travel may need."""

    rollback_window_hours: int
    bronze: LayerMaintenance
    silver: LayerMaintenance
    gold: LayerMaintenance
    platinum: LayerMaintenance
    ops: LayerMaintenance  # _ops: run ledger and checkpoints (many small appends)


@dataclass(frozen=True)
class Config:
    """One environment's whole configuration, validated before Spark starts."""

    env: str
    pipeline_name: str
    timezone: str
    source: SourceConfig
    lake: LakeConfig
    spark: SparkConfig
    s3: S3Config
    postgres: PostgresConfig
    publish: PublishConfig
    maintenance: MaintenanceConfig
    monitors: MonitorsConfig
    other_env_roots: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origins: tuple[str, ...] = ()

    def lake_path(self, *parts: str) -> str:
        """A path under the lake root, e.g. lake_path('bronze', 'transactions')."""
        return "/".join([self.lake.root.rstrip("/"), *parts])

    def source_path(self, *parts: str) -> str:
        """A path under the source root."""
        return "/".join([self.source.root.rstrip("/"), *parts])
