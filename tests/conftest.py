"""Shared fixtures: the local services, one test config, ONE SparkSession per test session.

The services (S3 endpoint, Postgres) start only when a collected test needs them: it requests
`services_env` (directly or through `s3`, `s3_bucket`, `case`) or is marked s3, postgres or
e2e. Unit tests never do; collection fails loudly if one does.
"""

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark import SparkContext
from pyspark.sql import SparkSession

from scout_lab.bench.chaos_prepare import (
    LandingSize,
    Prepared,
    drop_prepared,
    prepare,
    with_rollback,
)
from scout_lab.bench.chaos_state import drop_world
from scout_lab.services import load_services_env, start_all
from scout_lab.small_runs import SMALL_RUN_SETTINGS
from scout_spark.cli.runner import invoke
from scout_spark.config import Config, load_config
from scout_spark.results import StageResult
from scout_spark.session import build_spark_session

TEST_SPARK_SETTINGS = (
    *SMALL_RUN_SETTINGS,
    "spark.driver_memory=3g",
    # Small multipart thresholds so a ~12 MB file exercises S3 multipart upload.
    "spark.extra_conf.spark.hadoop.fs.s3a.multipart.size=5M",
    "spark.extra_conf.spark.hadoop.fs.s3a.multipart.threshold=5M",
)
# The shared prepared lakes' landing: two days, row and file faults, a day held back.
PREPARED_LANDING = LandingSize(days=2, transactions_per_day=60)
SERVICE_MARKERS = ("s3", "postgres", "e2e")
NEEDS_SERVICES = pytest.StashKey[bool]()
UNIT_TESTS = Path(__file__).parent / "unit"


def needs_services(item: pytest.Item) -> bool:
    """Whether the test talks to the S3 endpoint or Postgres (by its fixtures or markers)."""
    fixtures = getattr(item, "fixturenames", ())
    return "services_env" in fixtures or any(item.get_closest_marker(m) for m in SERVICE_MARKERS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Unit tests need no services: a unit test that asks for them stops the run here."""
    wanting = [item for item in items if needs_services(item)]
    units = [item.nodeid for item in wanting if UNIT_TESTS in Path(item.path).parents]
    if units:
        raise pytest.UsageError(
            f"unit tests must need no services (move them to tests/integration): {units}"
        )
    config.stash[NEEDS_SERVICES] = bool(wanting)


@pytest.fixture(scope="session")
def services_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment of the local S3 endpoint and Postgres (started if not running)."""
    if not request.config.stash.get(NEEDS_SERVICES, False):
        pytest.fail(
            "services_env was reached by a test that neither requests it nor is marked "
            f"{'/'.join(SERVICE_MARKERS)}: declare it, so the services start before Spark"
        )
    start_all()  # idempotent: a no-op when both are running
    return load_services_env()


@pytest.fixture(scope="session")
def test_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scout")


@pytest.fixture(scope="session")
def test_config(request: pytest.FixtureRequest, test_root: Path) -> Config:
    """The local config with the lake and landing zone in a throwaway folder.

    When any collected test needs the services they start first: the config reads their
    ports, and the Spark JVM (started once, from this config) inherits their S3 keys from
    the environment only at launch. A run of unit tests alone starts neither.
    """
    if request.config.stash.get(NEEDS_SERVICES, False):
        request.getfixturevalue("services_env")
    return load_config(
        "local",
        overrides=[
            f"source.root={test_root / 'landing'}/",
            f"lake.root={test_root / 'lake'}/",
            *TEST_SPARK_SETTINGS,
        ],
    )


@pytest.fixture(scope="session")
def spark(test_config: Config) -> Iterator[SparkSession]:
    """The one SparkSession of the test session: Delta, S3A, JDBC and Avro jars loaded.

    A second JVM would cost its start and its memory on a shared machine: at the end the
    session's SparkContext must still be the only one (no test stopped or replaced it).
    """
    session = build_spark_session(test_config)
    context = session.sparkContext
    yield session
    current = SparkContext._active_spark_context
    session.stop()
    assert current is context, "a test stopped or replaced the one SparkContext of the session"


@pytest.fixture(scope="session")
def s3(services_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """boto3 S3 client for the local endpoint."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=services_env["SCOUT_S3_ENDPOINT"],
        aws_access_key_id=services_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=services_env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )


@pytest.fixture
def s3_bucket(s3) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty bucket on the local S3 endpoint; returns its name."""
    name = f"scout-test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def lake_config(test_config: Config, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: the test config with its own landing zone and lake under tmp_path."""

    def make(name: str = "case", **lake: int) -> Config:
        root = tmp_path / name
        return dataclasses.replace(
            test_config,
            source=dataclasses.replace(test_config.source, root=(root / "landing").as_uri() + "/"),
            lake=dataclasses.replace(test_config.lake, root=(root / "lake").as_uri() + "/", **lake),
        )

    return make


@pytest.fixture
def run_stage(spark: SparkSession):  # type: ignore[no-untyped-def]
    """Run one registered stage in this process and return its StageResult (no ledger)."""

    def run(config: Config, stage_name: str, **options: object) -> StageResult:
        return invoke(spark, config, stage_name, **options)

    return run


@pytest.fixture(scope="session")
def chaos_prepared(
    services_env: dict[str, str],
    spark: SparkSession,
    test_config: Config,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Prepared]:
    """Lakes built once per session and shared: pipeline run 1 over all days but the last,
    then (the last day landed) run 2 stage by stage, each stage's starting state saved
    (`before[stage]`; rollback and maintain start after run 2's publish).

    Copy-on-write: a test that changes a state works on `copy_world(state, ...)`.
    """
    ready = prepare(spark, test_config, tmp_path_factory.mktemp("prepared"), PREPARED_LANDING)
    yield ready
    drop_prepared(ready)


@pytest.fixture(scope="session")
def chaos_rolled_back(
    spark: SparkSession, chaos_prepared: Prepared, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Prepared]:
    """The shared prepared states and, once per session, run 2 rolled back uninterrupted
    from the state after it (`after("rollback")`): read in place, copied to be changed."""
    ready = with_rollback(spark, chaos_prepared, tmp_path_factory.mktemp("rolled-back"))
    yield ready
    assert ready.rolled_back is not None
    drop_world(ready.rolled_back)
