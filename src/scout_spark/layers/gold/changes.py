"""Which sales dates a batch of silver changes (Delta change-feed rows) restates in gold.

Change frames hold the changed rows with `_change_type` (insert, update_preimage,
update_postimage, delete) and `_commit_version`, as Delta's change data feed gives them.
Pre-images count: a transaction moved to another day restates the old day and the new.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from scout_spark.layers.gold.transactions import local_date


def _sales_date(timezone: str) -> Column:
    """The Manila (or `timezone`) sales_date of transaction_ts."""
    return local_date(F.col("transaction_ts"), timezone).alias("sales_date")


def filter_sales_dates(df: DataFrame, *, dates: Sequence[date], timezone: str) -> DataFrame:
    """Needs transaction_ts; keeps the rows whose sales_date in `timezone` is one of `dates`."""
    if not dates:
        return df.filter(F.lit(False))
    zone = ZoneInfo(timezone)
    first_instant = datetime.combine(min(dates), time(), zone)
    end_instant = datetime.combine(max(dates) + timedelta(days=1), time(), zone)
    # The instant bounds are redundant but let Delta skip files by their min/max stats.
    is_in_bounds = (F.col("transaction_ts") >= F.lit(first_instant)) & (
        F.col("transaction_ts") < F.lit(end_instant)
    )
    is_listed = local_date(F.col("transaction_ts"), timezone).isin(sorted(set(dates)))
    return df.filter(is_in_bounds & is_listed)


def select_transaction_change_dates(
    transaction_changes_df: DataFrame, *, timezone: str
) -> DataFrame:
    """Needs transaction_ts; the sales_date of every changed row, before and after images."""
    return transaction_changes_df.select(_sales_date(timezone))


def select_item_change_dates(
    item_changes_df: DataFrame, *, transactions_df: DataFrame, timezone: str
) -> DataFrame:
    """The sales_date of each current transaction whose items changed."""
    changed_ids_df = item_changes_df.select("transaction_id").distinct()
    return transactions_df.join(changed_ids_df, on="transaction_id", how="left_semi").select(
        _sales_date(timezone)
    )


def select_region_changed_store_ids(store_changes_df: DataFrame) -> DataFrame:
    """store_id of stores inserted, deleted or moved to another region (all gold reads)."""
    images_df = store_changes_df.select("store_id", "_commit_version", "_change_type", "region")
    before_df = images_df.filter(F.col("_change_type") == "update_preimage").select(
        "store_id", "_commit_version", F.col("region").alias("_region_before")
    )
    after_df = images_df.filter(F.col("_change_type") == "update_postimage").select(
        "store_id", "_commit_version", F.col("region").alias("_region_after")
    )
    is_region_changed = ~F.col("_region_before").eqNullSafe(F.col("_region_after"))
    updated_df = (
        before_df.join(after_df, on=["store_id", "_commit_version"], how="inner")
        .filter(is_region_changed)
        .select("store_id")
    )
    inserted_or_deleted_df = images_df.filter(
        F.col("_change_type").isin("insert", "delete")
    ).select("store_id")
    return updated_df.unionByName(inserted_or_deleted_df).distinct()


def select_store_change_dates(
    transactions_df: DataFrame, *, store_changes_df: DataFrame, timezone: str
) -> DataFrame:
    """The sales_date of every transaction of a store whose region changed."""
    store_ids_df = select_region_changed_store_ids(store_changes_df)
    return transactions_df.join(store_ids_df, on="store_id", how="left_semi").select(
        _sales_date(timezone)
    )


def select_segment_change_dates(
    transactions_df: DataFrame, *, customer_changes_df: DataFrame, timezone: str
) -> DataFrame:
    """The sales_date of each transaction inside a changed customer version's validity."""
    # A transaction outside every changed version (before or after image) keeps the version
    # it had, so only these can get another point-in-time segment.
    windows_df = customer_changes_df.select(
        F.col("customer_id").alias("_changed_customer_id"),
        F.col("valid_from").alias("_changed_from"),
        F.col("valid_to").alias("_changed_to"),
    )
    is_inside = (
        (F.col("customer_id") == F.col("_changed_customer_id"))
        & (F.col("transaction_ts") >= F.col("_changed_from"))
        & (F.col("_changed_to").isNull() | (F.col("transaction_ts") < F.col("_changed_to")))
    )
    return transactions_df.join(windows_df, on=is_inside, how="left_semi").select(
        _sales_date(timezone)
    )


def build_restated_dates(
    *,
    transactions_df: DataFrame,
    transaction_changes_df: DataFrame,
    item_changes_df: DataFrame,
    store_changes_df: DataFrame,
    customer_changes_df: DataFrame,
    timezone: str,
) -> DataFrame:
    """The distinct sales dates whose gold rows the changes affect (column sales_date)."""
    parts = [
        select_transaction_change_dates(transaction_changes_df, timezone=timezone),
        select_item_change_dates(
            item_changes_df, transactions_df=transactions_df, timezone=timezone
        ),
        select_store_change_dates(
            transactions_df, store_changes_df=store_changes_df, timezone=timezone
        ),
        select_segment_change_dates(
            transactions_df, customer_changes_df=customer_changes_df, timezone=timezone
        ),
    ]
    dates_df = parts[0]
    for part_df in parts[1:]:
        dates_df = dates_df.unionByName(part_df)
    return dates_df.distinct()
