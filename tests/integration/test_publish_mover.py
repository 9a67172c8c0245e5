"""The publish transaction's mover: batches move as announced, only the kept ones stay."""

import time

import pytest
from psycopg import sql
from test_publish_support import fresh_schema, pg

from scout_spark.config import Config
from scout_spark.publish.connection import connect, staging_schema
from scout_spark.publish.copy_load import StagedRows, create_template
from scout_spark.publish.finalize import TableChange
from scout_spark.publish.migrate import migrate
from scout_spark.publish.mover import Mover
from scout_spark.publish.plan import FULL, TablePlan
from scout_spark.publish.tables import by_lake_name

pytestmark = pytest.mark.postgres
TEMPLATE = "gold_hourly_sales__t1"
FAILED, KEPT = f"{TEMPLATE}_b1_0", f"{TEMPLATE}_b2_0"


def test_mover_rolls_back_a_moved_batch_spark_did_not_keep(test_config: Config) -> None:
    with fresh_schema(test_config) as config:
        postgres = config.postgres
        migrate(postgres)
        with connect(postgres, autocommit=True) as conn:
            conn.execute(
                f"INSERT INTO {postgres.schema}.gold_hourly_sales VALUES ('2026-03-01', 9, 1, 1.00)"
            )
            create_template(conn, postgres, TEMPLATE, "gold_hourly_sales")
            for batch, hour in ((FAILED, 10), (KEPT, 11)):
                table = sql.Identifier(staging_schema(postgres), batch)
                conn.execute(
                    sql.SQL("CREATE TABLE {} (LIKE {})").format(
                        table, sql.Identifier(staging_schema(postgres), TEMPLATE)
                    )
                )
                conn.execute(
                    sql.SQL("INSERT INTO {} VALUES ('2026-03-01', %s, 2, 5.00)").format(table),
                    [hour],
                )
        plan = TablePlan(
            by_lake_name()["gold/hourly_sales"], "unused", 1, None, FULL, reason="test"
        )
        mover = Mover(postgres, None, "scout_publish_t1")
        try:
            mover.expect(TEMPLATE, plan)
            with connect(postgres, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_notify('scout_publish_t1', %s)", [FAILED]
                )  # a retried task's batch
            deadline = time.monotonic() + 20
            while mover.moved(TEMPLATE) != (FAILED,):
                assert time.monotonic() < deadline, "the announced batch was not moved"
                time.sleep(0.05)

            mover.done(TEMPLATE, plan, StagedRows(TEMPLATE, (KEPT,), 1))
            changes = mover.finish()
            mover.conn.commit()
        finally:
            mover.close()

        assert pg(config, "SELECT hour_of_day, transaction_count FROM gold_hourly_sales") == [
            (11, 2)
        ]
        assert changes["gold_hourly_sales"] == TableChange(deleted=1, written=1)
