"""Every lake table in one place: its name under the lake root, business key, partitioning,
row order, the lock its writer takes and, where a reader needs an empty frame, its schema.

Stages, rollback, maintain, the report, the monitors and publish find their tables here;
`lake/catalog.py` lists the tables that exist under a root.
"""

from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from scout_spark.config import Config
from scout_spark.lake.writes import DeltaTarget, read_version
from scout_spark.schemas import (
    DATASETS,
    SCD2_KEYS,
    SILVER_CUSTOMERS_SCHEMA,
    SILVER_ITEMS_SCHEMA,
    SILVER_STORES_SCHEMA,
    SILVER_TRANSACTIONS_SCHEMA,
)

# Records take a few small commits per stage run. A checkpoint costs seconds whatever the
# table's size (about 2.5 s warm, 8 s the first in a JVM, measured on a 1-row table), so
# they take one every 100 commits, not Delta's 10; a read replays at most 99 small ones.
RECORD_CHECKPOINT_INTERVAL = 100
RUN_MONITORS = "platinum/run_monitors"  # the health checks' results, one row per check
# The run's own records, appended by every stage.
RUN_LEDGER, CHECKPOINTS, UNFINISHED_WRITES = (
    "_ops/run_ledger",
    "_ops/checkpoints",
    "_ops/unfinished_writes",
)


@dataclass(frozen=True)
class TableSpec:
    """One lake table and how its writer writes it."""

    name: str  # <layer>/<table> under the lake root, e.g. "silver/transactions"
    keys: tuple[str, ...] = ()  # the business key a MERGE matches on
    partition_by: tuple[str, ...] = ()
    date_column: str | None = None  # the column replace-by-date works on
    # Rows are written sorted by these, so each file holds a range of them: a MERGE of
    # recent corrections touches the recent files only, and readers skip by min/max.
    cluster_by: tuple[str, ...] = ()
    lock: str | None = None  # the TableLock its writer holds; None: appended by every stage
    schema: T.StructType | None = None  # for an empty frame when the table is missing
    checkpoint_interval: int | None = None  # commits between Delta checkpoints (None: 10)

    @property
    def layer(self) -> str:
        return self.name.split("/", 1)[0]

    def path_under(self, root: str) -> str:
        """The table's folder under lake root `root`."""
        return "/".join([root.rstrip("/"), self.name])

    def path(self, config: Config) -> str:
        return self.path_under(config.lake.root)

    def target(self, config: Config) -> DeltaTarget:
        """The table as lake/writes.py writes it."""
        return self.target_under(config.lake.root)

    def target_under(self, root: str) -> DeltaTarget:
        """The table under lake root `root` as lake/writes.py writes it."""
        return DeltaTarget(
            self.name, self.path_under(root), self.keys, self.partition_by, self.date_column,
            self.cluster_by, self.checkpoint_interval,
        )  # fmt: skip


def _bronze(dataset: str) -> tuple[TableSpec, ...]:
    lock = f"bronze_{dataset}"
    return (
        TableSpec(f"bronze/{dataset}", partition_by=("_ingest_date",), lock=lock),
        TableSpec(  # each delivery's outcome
            f"bronze/_state/{dataset}_files",
            lock=lock,
            checkpoint_interval=RECORD_CHECKPOINT_INTERVAL,
        ),
        TableSpec(f"bronze/{dataset}_rejected_files", lock=lock),  # and why it was rejected
    )


def _silver(dataset: str, keys: tuple[str, ...], schema: T.StructType, **kw: object) -> tuple:
    return (
        TableSpec(f"silver/{dataset}", keys, lock="silver", schema=schema, **kw),  # type: ignore[arg-type]
        TableSpec(f"silver/{dataset}_quarantine", ("_row_id",), lock="silver"),
    )


def _gold(name: str, *keys: str) -> TableSpec:
    by_date = ("sales_date",) if "transaction" in name else ()  # the two large ones
    return TableSpec(f"gold/{name}", keys, by_date, "sales_date", lock="gold")


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        *(spec for dataset in DATASETS for spec in _bronze(dataset)),
        # Corrections arrive for recent days: transactions by time keep a MERGE recent.
        *_silver("transactions", ("transaction_id",), SILVER_TRANSACTIONS_SCHEMA,
                 cluster_by=("transaction_ts",)),
        *_silver("items", ("transaction_id", "line_number"), SILVER_ITEMS_SCHEMA),
        *_silver("customers", SCD2_KEYS, SILVER_CUSTOMERS_SCHEMA),
        *_silver("stores", ("store_id",), SILVER_STORES_SCHEMA),
        _gold("transactions", "transaction_id"),
        _gold("transaction_items", "transaction_id", "line_number"),
        _gold("daily_store_sales", "sales_date", "store_id"),
        _gold("daily_category_sales", "sales_date", "category", "brand"),
        _gold("hourly_sales", "sales_date", "hour_of_day"),
        _gold("payment_mix", "sales_date", "payment_method"),
        TableSpec("platinum/monitors", ("monitor_date", "store_id", "metric"),
                  date_column="monitor_date", lock="platinum"),
        TableSpec("platinum/customer_features", ("customer_id",), lock="platinum"),
        TableSpec(RUN_MONITORS, lock="platinum", checkpoint_interval=RECORD_CHECKPOINT_INTERVAL),
        *(TableSpec(name, checkpoint_interval=RECORD_CHECKPOINT_INTERVAL)
          for name in (RUN_LEDGER, CHECKPOINTS, UNFINISHED_WRITES)),
    )
}  # fmt: skip
SILVER_TABLES = tuple(f"silver/{d}" for d in DATASETS)
GOLD_TABLES = tuple(name for name in TABLES if name.startswith("gold/"))


def table(name: str) -> TableSpec:
    """The spec of lake table `name`; KeyError names it when the catalog has no such table."""
    return TABLES[name]


def table_path(config: Config, name: str) -> str:
    return table(name).path(config)


def delta_target(config: Config, name: str) -> DeltaTarget:
    return table(name).target(config)


def lock_name(name: str) -> str | None:
    """The lock a table's writer takes; for a table the catalog lacks (an older lake's),
    its layer's (bronze: its dataset's)."""
    if name in TABLES:
        return TABLES[name].lock
    layer, _, rest = name.partition("/")
    if layer == "bronze":
        leaf = rest.rsplit("/", 1)[-1]
        return f"bronze_{next((d for d in DATASETS if leaf.startswith(d)), leaf)}"
    return layer if layer in ("silver", "gold", "platinum") else None


def read_pinned(spark: SparkSession, config: Config, name: str, version: int | None) -> DataFrame:
    """Table `name` as of `version`; an empty frame of its schema when it has none."""
    spec = table(name)
    if version is None:
        if spec.schema is None:
            raise ValueError(f"{name}: no schema to stand in for a missing table")
        return spark.createDataFrame([], spec.schema)
    return read_version(spark, spec.path(config), version)
