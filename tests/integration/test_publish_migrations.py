"""SQL migrations: from an empty database, and applied again (no change)."""

from collections.abc import Iterator

import pytest
from publish_lake import fresh_schema, pg

from scout_spark.config import Config
from scout_spark.publish.migrate import load_scripts, migrate
from scout_spark.publish.tables import PUBLISH_TABLES

pytestmark = pytest.mark.postgres

CONTRACT_KEYS = {
    "scout_gold_transactions": ["transaction_id"],
    "scout_gold_transaction_items": ["transaction_id", "line_number"],
    "gold_daily_store_sales": ["sales_date", "store_id"],
    "gold_daily_category_sales": ["sales_date", "category", "brand"],
    "gold_hourly_sales": ["sales_date", "hour_of_day"],
    "gold_payment_mix": ["sales_date", "payment_method"],
    "platinum_monitors": ["monitor_date", "store_id", "metric"],
    "platinum_customer_features": ["customer_id"],
    "etl_monitoring": ["run_id", "stage"],
    "etl_pipelines": ["pipeline_name"],
    "data_lake_registry": ["table_name"],
}
CATALOG_SQL = """
SELECT c.relname, c.xmin::text, c.relacl::text FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() ORDER BY 1
"""
KEYS_SQL = """
SELECT tc.table_name, array_agg(k.column_name::text ORDER BY k.ordinal_position)
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
GROUP BY tc.table_name
"""


@pytest.fixture
def pg_config(test_config: Config) -> Iterator[Config]:
    with fresh_schema(test_config) as config:
        yield config


def test_migrate_from_empty_creates_the_contract_tables(pg_config: Config) -> None:
    applied = migrate(pg_config.postgres)

    assert applied == [s.name for s in load_scripts()]
    keys = dict(pg(pg_config, KEYS_SQL))
    assert {t: keys[t] for t in CONTRACT_KEYS} == CONTRACT_KEYS
    for spec in PUBLISH_TABLES:
        columns = pg(
            pg_config,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            [spec.pg_table],
        )
        assert tuple(c for (c,) in columns) == spec.columns
    types = dict(
        pg(
            pg_config,
            "SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns "
            "JOIN pg_attribute ON attrelid = 'gold_daily_store_sales'::regclass AND attname = column_name "
            "WHERE table_schema = current_schema() AND table_name = 'gold_daily_store_sales'",
        )
    )
    assert types["gross_sales"] == "numeric(14,2)"
    assert types["transaction_count"] == "bigint"
    assert types["sales_date"] == "date"
    indexes = {
        name
        for (name,) in pg(
            pg_config, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        )
    }
    assert {"scout_gold_transactions_by_date", "scout_gold_transactions_by_store"} <= indexes


def test_migrate_grants_read_only_dashboard_and_row_only_publisher(pg_config: Config) -> None:
    migrate(pg_config.postgres)
    schema = pg_config.postgres.schema
    table = f"{schema}.gold_payment_mix"

    rights = pg(
        pg_config,
        "SELECT has_table_privilege('scout_dashboard', %(t)s, 'SELECT'), "
        "has_table_privilege('scout_dashboard', %(t)s, 'INSERT'), "
        "has_table_privilege('scout_publisher', %(t)s, 'DELETE'), "
        "has_table_privilege('scout_publisher', %(t)s, 'TRUNCATE'), "
        "has_schema_privilege('scout_publisher', %(s)s, 'CREATE'), "
        "has_database_privilege('scout_publisher', current_database(), 'TEMPORARY'), "
        "has_schema_privilege('scout_dashboard', %(s)s, 'CREATE')",
        {"t": table, "s": schema},
    )

    assert rights == [(True, False, True, False, False, True, False)]


def test_migrate_reapplied_changes_nothing(pg_config: Config) -> None:
    migrate(pg_config.postgres)
    catalog_before = pg(pg_config, CATALOG_SQL)
    log_before = pg(
        pg_config, "SELECT script, checksum, applied_at, xmin::text FROM schema_migrations"
    )

    assert migrate(pg_config.postgres) == []

    assert pg(pg_config, CATALOG_SQL) == catalog_before
    assert (
        pg(pg_config, "SELECT script, checksum, applied_at, xmin::text FROM schema_migrations")
        == log_before
    )
