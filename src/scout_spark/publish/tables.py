"""What is published where: one spec per dashboard table, and the pure row projection."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

UNKNOWN = "unknown"


@dataclass(frozen=True)
class PublishTable:
    """A lake table and the dashboard table it is published to."""

    lake_name: str  # e.g. "gold/daily_store_sales", under the lake root
    pg_table: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]  # every column, in the Postgres table's order
    # Replaced slice by slice (all rows of a date) when set; upserted by key when None.
    slice_column: str | None = None
    is_windowed: bool = False  # only the publish window of sales dates is kept
    unknown_when_null: tuple[str, ...] = ()  # key columns where null is published as 'unknown'


def _table(lake: str, pg: str, keys: str, others: str, **kwargs: object) -> PublishTable:
    key_cols, other_cols = tuple(keys.split()), tuple(others.split())
    return PublishTable(lake, pg, key_cols, key_cols + other_cols, **kwargs)  # type: ignore[arg-type]


PUBLISH_TABLES: tuple[PublishTable, ...] = (
    _table(
        "gold/transactions", "scout_gold_transactions", "transaction_id",
        "store_id customer_id transaction_ts sales_date hour_of_day total_amount payment_method "
        "transaction_type item_count region customer_segment",
        slice_column="sales_date", is_windowed=True,
    ),
    _table(
        "gold/transaction_items", "scout_gold_transaction_items", "transaction_id line_number",
        "product_id product_name brand category quantity unit_price line_amount sales_date",
        slice_column="sales_date", is_windowed=True,
    ),
    _table(
        "gold/daily_store_sales", "gold_daily_store_sales", "sales_date store_id",
        "region transaction_count items_sold gross_sales avg_basket_value high_value_count "
        "unique_customers",
        slice_column="sales_date",
    ),
    _table(
        "gold/daily_category_sales", "gold_daily_category_sales", "sales_date category brand",
        "units_sold revenue transaction_count",
        slice_column="sales_date", unknown_when_null=("category", "brand"),
    ),
    _table(
        "gold/hourly_sales", "gold_hourly_sales", "sales_date hour_of_day",
        "transaction_count gross_sales", slice_column="sales_date",
    ),
    _table(
        "gold/payment_mix", "gold_payment_mix", "sales_date payment_method",
        "transaction_count gross_sales share_of_sales", slice_column="sales_date",
    ),
    _table(
        "platinum/monitors", "platinum_monitors", "monitor_date store_id metric",
        "value baseline_mean baseline_std z_score status", slice_column="monitor_date",
    ),
    _table(
        "platinum/customer_features", "platinum_customer_features", "customer_id",
        "segment recency_days frequency_90d monetary_90d avg_basket_value_90d favorite_category",
    ),
)  # fmt: skip
WINDOW_SOURCE = "gold/transactions"  # D, the window's last date, is its latest sales_date


def window_start(latest_sales_date: date | None, days: int) -> date | None:
    """First sales date inside the window: D - (days - 1), i.e. dates after D - days.

    D is the latest sales_date in gold; `days` is publish.window_days.
    """
    return None if latest_sales_date is None else latest_sales_date - timedelta(days=days - 1)


def select_publish_rows(
    df: DataFrame,
    *,
    table: PublishTable,
    dates: Sequence[date] | None = None,
    first_date: date | None = None,
) -> DataFrame:
    """Needs table.columns; the rows to publish, in the Postgres column order.

    Keeps only slices in `dates` (all when None) and, for a windowed table, dates from
    `first_date` on; null key columns listed in unknown_when_null become 'unknown'.
    """
    if dates is not None and table.slice_column is not None:
        df = df.filter(F.col(table.slice_column).isin(list(dates)))
    if table.is_windowed and first_date is not None and table.slice_column is not None:
        df = df.filter(F.col(table.slice_column) >= F.lit(first_date))
    return df.select(
        *[
            F.coalesce(F.col(c), F.lit(UNKNOWN)).alias(c) if c in table.unknown_when_null else c
            for c in table.columns
        ]
    )


def by_lake_name() -> dict[str, PublishTable]:
    """The specs keyed by lake table name."""
    return {t.lake_name: t for t in PUBLISH_TABLES}
