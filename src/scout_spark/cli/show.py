"""scout-show: what the dashboard sees in Postgres (row counts, the latest daily sales)."""

import sys
from collections.abc import Sequence

import psycopg
from psycopg import sql

from scout_spark.cli.args import base_parser
from scout_spark.config import load_config
from scout_spark.errors import ScoutError
from scout_spark.publish.connection import connect, safe_message
from scout_spark.publish.tables import PUBLISH_TABLES
from scout_spark.runtime.error_text import describe_error

OPS_TABLES = ("etl_monitoring", "data_lake_registry", "etl_pipelines")
LATEST_SQL = (
    "SELECT sales_date, count(*), sum(transaction_count), sum(gross_sales) "
    "FROM {}.gold_daily_store_sales GROUP BY sales_date ORDER BY sales_date DESC LIMIT 7"
)


def _print(conn: psycopg.Connection, schema: str) -> None:
    ident = sql.Identifier(schema)
    for table in [t.pg_table for t in PUBLISH_TABLES] + list(OPS_TABLES):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(ident, sql.Identifier(table))
        row = conn.execute(query).fetchone()
        print(f"  {table:<30} {row[0] if row else 0:>10,} rows")
    print("\nLatest sales dates (all stores): date, stores, transactions, gross sales (PHP)")
    for sales_date, stores, transactions, gross in conn.execute(
        sql.SQL(LATEST_SQL).format(ident)
    ).fetchall():
        print(f"  {sales_date}  {stores:>5}  {transactions:>8,}  {gross:>14,.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the dashboard tables' row counts and the last seven sales dates."""
    args = base_parser("scout-show", __doc__ or "").parse_args(argv)
    try:
        pg = load_config(args.env, args.config, args.overrides).postgres
        with connect(pg, purpose="show") as conn:
            print(f"Postgres {pg.host}:{pg.port}/{pg.database}, schema {pg.schema}:")
            _print(conn, pg.schema)
    except psycopg.errors.UndefinedTable:
        print("scout-show: nothing published yet: run jobs/publish_postgres.py", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"scout-show: error: {safe_message(exc, pg)}", file=sys.stderr)
        return 1
    except ScoutError as exc:
        print(f"scout-show: error: {describe_error(exc, None)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
