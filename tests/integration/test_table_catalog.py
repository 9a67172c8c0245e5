"""Every table a pipeline run leaves in the lake is one the catalog describes."""

from pyspark.sql import SparkSession

from scout_lab.bench.chaos_prepare import Prepared
from scout_spark.lake.catalog import lake_tables
from scout_spark.lake.tables import TABLES


def test_every_table_of_a_run_lake_is_in_the_catalog(
    spark: SparkSession, chaos_prepared: Prepared
) -> None:
    found = lake_tables(spark, chaos_prepared.running.config)
    assert {"bronze/_state/items_files", "silver/customers", "platinum/monitors"} <= found.keys()
    assert sorted(found.keys() - TABLES.keys()) == []
    assert all(
        path == TABLES[name].path(chaos_prepared.running.config) for name, path in found.items()
    )
