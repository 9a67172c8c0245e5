"""What the last publish sent, read back for the health checks: the gold version and
window it recorded (publish_log) and Postgres' daily totals of its transactions, in one
snapshot. The monitors' one way into the dashboard's schema."""

from dataclasses import dataclass
from datetime import date

from psycopg import IsolationLevel, sql

from scout_spark.config.model import PostgresConfig
from scout_spark.health_checks.reconciliation import DailyTotal
from scout_spark.publish import finalize
from scout_spark.publish.connection import connect
from scout_spark.publish.tables import by_lake_name

GOLD_TRANSACTIONS = "gold/transactions"


@dataclass(frozen=True)
class Published:
    """The last publish: the gold version and window it recorded, and Postgres' totals."""

    gold_version: int | None
    window_start: date | None
    postgres: dict[date, DailyTotal]


_HAS_LOG = "SELECT to_regclass(format('%%I.publish_log', %s::text)) IS NOT NULL"
_DAILY = "SELECT sales_date, count(*), coalesce(sum(total_amount), 0) FROM {} GROUP BY sales_date"


def read_published(pg: PostgresConfig) -> Published | None:
    """The last publish and Postgres' daily totals of its transactions (None: never published)."""
    with connect(pg, purpose="monitor") as conn:
        # One snapshot: the publish log row and the rows it describes.
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute(_HAS_LOG, [pg.schema]).fetchone()
        state = finalize.last_published(conn, pg) if row and row[0] else None
        if state is None:
            return None
        table = sql.Identifier(pg.schema, by_lake_name()[GOLD_TRANSACTIONS].pg_table)
        rows = conn.execute(sql.SQL(_DAILY).format(table)).fetchall()
    return Published(
        state.lake_versions.get(GOLD_TRANSACTIONS),
        state.window_start,
        {r[0]: DailyTotal(int(r[1]), r[2]) for r in rows},
    )
