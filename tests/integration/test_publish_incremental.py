"""Publish: incremental by slice, idempotent, windowed, equal to the lake at the logged versions."""

import shutil
from datetime import timedelta

import pytest
from publish_lake import (
    DAYS,
    assert_matches_lake,
    customer_rows,
    day_rows,
    pg,
    published_versions,
    row_versions,
    write_days,
    write_table,
)
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.lake.writes import table_version
from scout_spark.parallel import for_each
from scout_spark.publish.binary_copy import AUTO, ITERATOR
from scout_spark.publish.tables import PUBLISH_TABLES

pytestmark = pytest.mark.postgres


def all_row_versions(config: Config) -> dict[str, dict]:
    return {t.pg_table: row_versions(config, t.pg_table) for t in PUBLISH_TABLES}


def test_publish_then_republish_changes_nothing_until_full_refresh(
    spark: SparkSession, case: Config, run_stage
) -> None:
    first = run_stage(case, "publish")
    rows_before = all_row_versions(case)

    second = run_stage(case, "publish")

    assert first.status == "succeeded" and second.status == "skipped"
    assert all_row_versions(case) == rows_before
    assert pg(case, "SELECT status, rows_published FROM publish_log ORDER BY publish_id") == [
        ("published", first.records_written),
        ("skipped", 0),
    ]
    assert len(rows_before["scout_gold_transactions"]) == 2 * len(DAYS)
    assert pg(
        case,
        "SELECT count(*) FROM gold_daily_category_sales WHERE category = 'unknown' AND brand = 'unknown'",
    ) == [(len(DAYS),)]

    full = run_stage(case, "publish", full_refresh=True)

    after = all_row_versions(case)
    assert full.status == "succeeded" and full.metrics["mode"] == "full_refresh"
    assert after["gold_payment_mix"].keys() == rows_before["gold_payment_mix"].keys()
    assert set(after["gold_payment_mix"].values()).isdisjoint(
        rows_before["gold_payment_mix"].values()
    )
    assert (
        after["platinum_customer_features"] == rows_before["platinum_customer_features"]
    )  # equal rows kept
    assert_matches_lake(spark, case)


# iterator: the Spark Connect path's code (toLocalIterator), run on the classic session.
@pytest.mark.parametrize("stream", [AUTO, ITERATOR])
def test_late_changes_republish_only_their_dates_and_keys(
    spark: SparkSession, case: Config, run_stage, stream: str
) -> None:
    run_stage(case, "publish", stream=stream)
    before = all_row_versions(case)
    late = DAYS[1]
    changed = day_rows(late, tag=7)
    names = ("gold/transactions", "gold/transaction_items", "gold/daily_store_sales")
    for_each(lambda n: write_table(spark, case, n, changed[n], replace_day=late), names)
    customers = [r for r in customer_rows(tag=1) if r[0] != "C3"]  # C2 changes, C3 is gone
    write_table(spark, case, "platinum/customer_features", customers)

    result = run_stage(case, "publish", stream=stream)

    after = all_row_versions(case)

    def is_late(key: tuple) -> bool:
        return any(v == late or (isinstance(v, str) and f"{late:%Y%m%d}" in v) for v in key)

    for table in (
        "scout_gold_transactions",
        "scout_gold_transaction_items",
        "gold_daily_store_sales",
    ):
        others = {k: v for k, v in before[table].items() if not is_late(k)}
        assert {k: after[table][k] for k in others} == others, table
        rewritten = set(before[table].items()) - set(after[table].items())
        assert rewritten and all(is_late(k) for k, _ in rewritten), table
    for table in ("gold_hourly_sales", "gold_payment_mix", "platinum_monitors"):
        assert after[table] == before[table], table
    features_before, features_after = (
        before["platinum_customer_features"],
        after["platinum_customer_features"],
    )
    assert set(features_after) == {("C1",), ("C2",)}
    assert features_after[("C1",)] == features_before[("C1",)]
    assert features_after[("C2",)] != features_before[("C2",)]
    logged = pg(case, "SELECT rows_published FROM publish_log ORDER BY publish_id DESC LIMIT 1")
    assert logged == [(result.records_written,)]
    total = pg(
        case,
        "SELECT total_amount FROM scout_gold_transactions WHERE sales_date = %s LIMIT 1",
        [late],
    )
    assert total == [(changed["gold/transactions"][0][6],)]
    assert_matches_lake(spark, case)


def test_window_drops_dates_leaving_it(spark: SparkSession, case: Config, run_stage) -> None:
    run_stage(case, "publish")
    latest = DAYS[0] + timedelta(days=90)  # D: window is D-89..D, so DAYS[0] leaves it
    write_days(spark, case, [*DAYS, latest], names=("gold/transactions", "gold/transaction_items"))

    run_stage(case, "publish")

    dates = [
        d for (d,) in pg(case, "SELECT DISTINCT sales_date FROM scout_gold_transactions ORDER BY 1")
    ]
    assert dates == [*DAYS[1:], latest]
    item_dates = [
        d
        for (d,) in pg(
            case, "SELECT DISTINCT sales_date FROM scout_gold_transaction_items ORDER BY 1"
        )
    ]
    assert item_dates == [*DAYS[1:], latest]
    assert pg(case, "SELECT count(DISTINCT sales_date) FROM gold_daily_store_sales") == [
        (len(DAYS),)
    ]
    assert pg(case, "SELECT window_start FROM publish_log ORDER BY publish_id DESC LIMIT 1") == [
        (DAYS[1],)
    ]
    assert_matches_lake(spark, case)


def test_a_table_created_anew_at_its_path_is_republished_whole(
    spark: SparkSession, case: Config, run_stage
) -> None:
    """Versions alone cannot tell a rebuilt lake's table from the published one: its id can."""
    run_stage(case, "publish")
    published = published_versions(case)
    names = {"gold/payment_mix": 5, "platinum/customer_features": 9}  # slices, keys
    for name, tag in names.items():
        shutil.rmtree(case.lake_path(*name.split("/")).removeprefix("file://"))
        rows = customer_rows(tag) if name.startswith("platinum") else day_rows(DAYS[0], tag)[name]
        for _ in range(published[name] + 1):  # version 0, then on to the published version
            write_table(spark, case, name, rows)
    lake_versions = {n: table_version(spark, case.lake_path(*n.split("/"))) for n in names}
    assert lake_versions == {n: published[n] for n in names}

    result = run_stage(case, "publish")

    assert result.status == "succeeded"
    tables = pg(case, "SELECT tables FROM publish_log ORDER BY publish_id DESC LIMIT 1")[0][0]
    for name in names:
        pg_table = name.replace("/", "_")
        assert tables[pg_table]["action"] == "full", pg_table
        assert "new Delta table" in tables[pg_table]["reason"], pg_table
    assert tables["gold_hourly_sales"]["action"] == "none"
    assert_matches_lake(spark, case)
