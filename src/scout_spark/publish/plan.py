"""What each dashboard table needs this publish: nothing, some slices, changed keys, or all.

A table's lake version is compared with the version the last publish recorded. Slice
tables (by sales_date or monitor_date) replace the slices the Delta change feed names
between the two versions; platinum_customer_features (keyed) diffs the two snapshots.
When history is gone (vacuumed), the table was never published, or it is a new table at
its path (its Delta table id differs from the one published: the lake was deleted and
rebuilt, or the root now holds another lake), the whole table is republished. Windowed
tables also follow the window: dates entering it are published, dates leaving it are
deleted.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from scout_spark.config import Config
from scout_spark.errors import ScoutError, error_line
from scout_spark.lake.as_of import AsOf, input_version
from scout_spark.lake.delta_sql import size_in_bytes, table_id
from scout_spark.lake.lock import TableLock
from scout_spark.lake.tables import table_path
from scout_spark.lake.writes import read_changes, read_version
from scout_spark.parallel import for_each
from scout_spark.publish.tables import (
    PUBLISH_TABLES,
    WINDOW_SOURCE,
    PublishTable,
    select_publish_rows,
    window_start,
)
from scout_spark.records.unfinished import unfinished

FULL, SLICES, KEYS, NONE = "full", "slices", "keys", "none"
DELETED_COLUMN = "_deleted"  # staging flag of keys to delete (keyed tables)
# The writers' locks: no half-written run is pinned, nor a killed run's (records/unfinished.py).
LAKE_LOCKS = ("gold", "platinum")


@dataclass(frozen=True)
class Window:
    """The first sales date of the publish window now, and at the last publish."""

    first_date: date | None
    previous_first_date: date | None

    @property
    def entering(self) -> list[date]:
        """Dates that entered the window because it moved back (D went down)."""
        now, before = self.first_date, self.previous_first_date
        if now is None or before is None or now >= before:
            return []
        return [now + timedelta(days=n) for n in range((before - now).days)]

    @property
    def has_moved(self) -> bool:
        return self.first_date != self.previous_first_date


@dataclass(frozen=True)
class Pinned:
    """The source tables this publish reads: each existing one's version and Delta id."""

    versions: dict[str, int]
    ids: dict[str, str]

    def same_tables(self, versions: dict[str, int], ids: dict[str, str]) -> dict[str, int]:
        """Of a publish's recorded `versions`, those of tables that are still the same Delta
        table (same id; no id recorded: a publish from before ids were, trusted)."""
        return {n: v for n, v in versions.items() if n not in ids or ids[n] == self.ids.get(n)}


def _pin(spark: SparkSession, config: Config, as_of: AsOf, name: str) -> tuple[int, str] | None:
    path = table_path(config, name)
    version = input_version(spark, as_of, name, path)
    return None if version is None else (version, table_id(spark, path))


def pin_versions(spark: SparkSession, config: Config, run_id: str, as_of: AsOf) -> Pinned:
    """Version and id of every source table that exists (latest, or --as-of-*), under the
    lake's locks."""
    names = [t.lake_name for t in PUBLISH_TABLES]
    with (
        TableLock(spark, config, LAKE_LOCKS[0], run_id) as first,
        TableLock(spark, config, LAKE_LOCKS[1], run_id) as second,
    ):
        found = for_each(lambda n: _pin(spark, config, as_of, n), names)
        for writer in () if as_of else LAKE_LOCKS:
            if (left := unfinished(spark, config, writer)) is not None:
                raise ScoutError(
                    f"publish refused: {writer} run {left.run_id} did not finish, so its "
                    f"tables are half-rebuilt; run {writer} again, then publish"
                )
        first.check()  # held throughout: no writer of these tables ran while we pinned
        second.check()
    pinned = {name: v for name, v in zip(names, found, strict=True) if v is not None}
    return Pinned({n: v[0] for n, v in pinned.items()}, {n: v[1] for n, v in pinned.items()})


def current_window(
    spark: SparkSession, config: Config, versions: dict[str, int], before: date | None
) -> Window:
    """The publish window from the latest sales_date of gold/transactions at its version."""
    if WINDOW_SOURCE not in versions:
        return Window(None, before)
    path = table_path(config, WINDOW_SOURCE)
    latest = read_version(spark, path, versions[WINDOW_SOURCE]).agg(F.max("sales_date")).first()
    days = config.publish.window_days
    return Window(window_start(None if latest is None else latest[0], days), before)


@dataclass(frozen=True)
class TablePlan:
    """One table's part of a publish."""

    table: PublishTable
    path: str
    version: int
    previous: int | None
    action: str  # FULL, SLICES, KEYS or NONE
    dates: tuple[date, ...] = ()  # the slices to replace (SLICES)
    reason: str = ""
    trims_window: bool = False  # delete rows before the window's first date
    source_bytes: int = 0  # the table's Parquet bytes, when it loads rows: sizes its tasks


def with_source_bytes(spark: SparkSession, plan: TablePlan) -> TablePlan:
    """`plan` with the size of its table (DESCRIBE DETAIL, latest) when it loads rows."""
    if plan.action == NONE:
        return plan
    return replace(plan, source_bytes=size_in_bytes(spark, plan.path))


def _changed_slices(spark: SparkSession, plan_base: TablePlan) -> set[date]:
    """Slice values of every row the change feed lists between the two versions."""
    column = plan_base.table.slice_column
    assert column is not None and plan_base.previous is not None
    changes_df = read_changes(spark, plan_base.path, plan_base.previous, plan_base.version)
    rows = changes_df.select(column).distinct().where(F.col(column).isNotNull()).collect()
    return {row[0] for row in rows}


def plan_table(
    spark: SparkSession,
    table: PublishTable,
    path: str,
    *,
    version: int,
    previous: int | None,
    window: Window,
    full_refresh: bool,
    replaced: bool = False,
) -> TablePlan:
    """Decide what `table` needs, reading the change feed when it is incremental.
    `replaced`: a new Delta table at its path since the last publish."""
    base = TablePlan(table, path, version, previous, NONE)
    trims = table.is_windowed and window.has_moved and not full_refresh
    if full_refresh:
        return _with(base, FULL, "full refresh requested")
    if replaced:
        return _with(base, FULL, "a new Delta table at its path since the last publish")
    if previous is None:
        return _with(base, FULL, "never published")
    if version < previous:
        return _with(base, FULL, f"lake version {version} is older than published {previous}")
    if table.slice_column is None:
        if version == previous:
            return _with(base, NONE, "unchanged")
        try:
            # .schema analyses now: a Connect client would otherwise fail at the first action.
            read_version(spark, path, previous).schema  # noqa: B018 - resolves the old snapshot
        except AnalysisException:
            return _with(base, FULL, f"version {previous} no longer readable")
        return _with(base, KEYS, f"snapshot diff {previous}..{version}")
    dates: set[date] = set()
    if version > previous:
        try:
            dates = _changed_slices(spark, base)
        except AnalysisException as exc:
            reason = error_line(exc, limit=160)
            return _with(base, FULL, f"change feed unreadable ({reason})")
    if table.is_windowed:
        if window.first_date is None or window.previous_first_date is None:
            return _with(base, FULL, "no previous window")
        dates = {d for d in dates | set(window.entering) if d >= window.first_date}
    if not dates:
        why = "unchanged" if version == previous else f"no slice changed in {previous}..{version}"
        return _with(base, NONE, why, trims_window=trims)
    return _with(base, SLICES, f"{len(dates)} changed dates", sorted(dates), trims_window=trims)


def _with(
    base: TablePlan,
    action: str,
    reason: str,
    dates: list[date] | None = None,
    *,
    trims_window: bool = False,
) -> TablePlan:
    return TablePlan(
        base.table, base.path, base.version, base.previous, action,
        tuple(dates or ()), reason, trims_window,
    )  # fmt: skip


def staged_rows(spark: SparkSession, plan: TablePlan, window: Window) -> DataFrame | None:
    """The rows to load into staging for `plan` (None when it loads nothing).

    Keyed tables carry `_deleted`: the changed or new rows (false) and, when incremental,
    the keys that disappeared since the published version (true, other columns null).
    """
    if plan.action == NONE:
        return None
    table, first = plan.table, window.first_date
    current_df = read_version(spark, plan.path, plan.version)
    if plan.action == SLICES:
        return select_publish_rows(current_df, table=table, dates=plan.dates, first_date=first)
    rows_df = select_publish_rows(current_df, table=table, first_date=first)
    if table.slice_column is not None:
        return rows_df
    if plan.action == FULL:
        return rows_df.withColumn(DELETED_COLUMN, F.lit(False))
    old_df = select_publish_rows(
        read_version(spark, plan.path, plan.previous), table=table, first_date=first
    )
    changed_df = rows_df.exceptAll(old_df).withColumn(DELETED_COLUMN, F.lit(False))
    gone_df = old_df.select(*table.keys).join(
        rows_df.select(*table.keys), list(table.keys), how="left_anti"
    )
    types = {f.name: f.dataType for f in rows_df.schema.fields}
    deleted_df = gone_df.select(
        *[c if c in table.keys else F.lit(None).cast(types[c]).alias(c) for c in table.columns],
        F.lit(True).alias(DELETED_COLUMN),
    )
    return changed_df.unionByName(deleted_df)
