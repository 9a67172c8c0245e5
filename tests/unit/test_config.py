"""Config loading: every validation error is one line naming the file and the key."""

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from scout_spark.config import load_config
from scout_spark.config.loader import DEFAULT_CONF_DIR
from scout_spark.errors import ConfigError
from scout_spark.session import spark_conf


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    """A writable copy of the project's conf/ folder."""
    target = tmp_path / "conf"
    shutil.copytree(DEFAULT_CONF_DIR, target)
    return target


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_load_config_every_env_has_its_contract_roots() -> None:
    roots = {e: load_config(e).lake.root for e in ("dev", "staging", "prod")}
    assert roots == {
        "dev": "s3a://scout-sample-data/lake/",
        "staging": "s3a://scout-staging-data/lake/",
        "prod": "s3a://scout-production-data/lake/",
    }
    assert load_config("prod").source.root == "s3a://scout-production-data/prod/"


def test_load_config_local_roots_become_absolute_file_uris(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config("local")
    assert config.lake.root == (tmp_path / "data" / "lake").as_uri() + "/"
    assert config.lake_path("bronze", "transactions").endswith("/data/lake/bronze/transactions")


def test_load_config_set_and_overlay_override_in_order(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("spark:\n  shuffle_partitions: 16\n  app_name: overlay\n")
    config = load_config("local", [overlay], ["spark.shuffle_partitions=32"])
    assert (config.spark.app_name, config.spark.shuffle_partitions) == ("overlay", 32)


def test_load_config_interpolates_environment(monkeypatch) -> None:
    monkeypatch.setenv("SCOUT_PG_PORT", "61234")
    assert load_config("local").postgres.port == 61234
    monkeypatch.delenv("SCOUT_PG_PORT")
    assert load_config("local").postgres.port == 55432


@pytest.mark.parametrize(
    ("env", "file_text", "overrides", "expected"),
    [
        ("local", "bogus: 1\n", [], r"local\.yaml: unknown key 'bogus'"),
        ("local", "spark:\n  color: red\n", [], r"local\.yaml: unknown key 'spark\.color'"),
        ("local", "", ["spark.colour=red"], r"--set spark\.colour=red: unknown key 'spark\.colour'"),
        ("local", "postgres:\n  port: five\n", [], r"local\.yaml: key 'postgres\.port' must be an integer"),
        ("local", "spark:\n  ui_enabled: maybe\n", [], r"key 'spark\.ui_enabled' must be true or false"),
        ("local", "spark:\n  jars: maven\n", [], r"key 'spark\.jars' must be one of local_cache, none"),
        ("local", "postgres:\n  sslmode: sometimes\n", [], r"key 'postgres\.sslmode' must be one of"),
        ("local", "", ["maintenance.gold.vacuum_retention_hours=24"],
         r"key 'maintenance\.gold\.vacuum_retention_hours' must be at least "
         r"maintenance\.rollback_window_hours \(168\)"),
        ("local", "", ["publish.window_days=0"], r"--set publish\.window_days=0: key 'publish\.window_days' must be >= 1"),
        ("local", "spark: [1, 2\n", [], r"local\.yaml: line \d+ invalid YAML"),
        ("local", "env: prod\n", [], r"key 'env' is 'prod' but --env is 'local'"),
        ("local", "", ["nokey"], r"--set nokey: expected key=value"),
        ("staging", "", ["lake.root=s3a://scout-production-data/lake/"],
         r"--set lake\.root=.*: key 'lake\.root' = s3a://scout-production-data/lake/ points into "
         r"env 'prod' bucket s3://scout-production-data; a staging run must not write there"),
        ("prod", "source:\n  root: s3a://scout-sample-data/samples/\n", [],
         r"prod\.yaml: key 'source\.root' .* points into env 'dev' bucket s3://scout-sample-data"),
        # Env isolation on normalised locations: scheme aliases, ports, host case, dots.
        ("dev", "", ["lake.root=s3a://scout-production-data:443/lake/"],
         r"--set lake\.root=.*: key 'lake\.root' = s3a://scout-production-data:443/lake/ points "
         r"into env 'prod' bucket s3://scout-production-data; a dev run must not write there"),
        ("dev", "", ["lake.root=S3://Scout-Production-Data/lake"],
         r"key 'lake\.root' .* points into env 'prod' bucket s3://scout-production-data"),
        ("staging", "", ["source.root=s3n://scout-production-data./prod/"],
         r"key 'source\.root' .* points into env 'prod' bucket s3://scout-production-data"),
        ("local", "", ["lake.root=s3a://scout-staging-data:9000/elsewhere/"],
         r"points into env 'staging' bucket s3://scout-staging-data; a local run must not"),
        # Postgres: each env publishes to its postgres.target only, never to another env's.
        ("dev", "", ["postgres.host=scout-prod-db.internal", "postgres.database=scout"],
         r"--set postgres\.host=scout-prod-db\.internal: Postgres scout-prod-db\.internal:5432/scout "
         r"is env 'prod's postgres\.target \(.*prod\.yaml\); a dev run must not publish there"),
        ("dev", "", ["postgres.target=SCOUT-PROD-DB.internal./scout"],
         r"--set postgres\.target=.*: Postgres scout-prod-db\.internal:5432/scout is env 'prod's"),
        ("local", "", ["postgres.host=scout-staging-db.internal", "postgres.port=5432",
                       "postgres.database=scout_staging"],
         r"Postgres scout-staging-db\.internal:5432/scout_staging is env 'staging's postgres\.target"),
        ("dev", "", ["postgres.host=scout-prod-db.internal"],
         r"--set postgres\.host=.*: Postgres scout-prod-db\.internal:5432/scout_dev is not "
         r"postgres\.target scout-dev-db\.internal:5432/scout_dev \(.*dev\.yaml\); a dev run "
         r"publishes only there"),
        ("prod", "", ["postgres.port=6432"], r"Postgres scout-prod-db\.internal:6432/scout is not"),
        ("prod", "postgres:\n  target: ${SCOUT_PG_HOST:-db}:5432/scout\n", [],
         r"prod\.yaml: key 'postgres\.target' must be a literal host\[:port\]/database"),
        ("dev", "", ["postgres.target=scout-dev-db.internal"],
         r"key 'postgres\.target' = scout-dev-db\.internal must be host\[:port\]/database"),
        ("dev", "", ["postgres.password_env=null"], r"key 'postgres\.password_env' must not be empty"),
        ("local", "monitors:\n  freshness_hours:\n    transactions: 0\n", [],
         r"local\.yaml: key 'monitors\.freshness_hours\.transactions' must be >= 1"),
        ("local", "monitors:\n  freshness_hours:\n    sales: 5\n", [],
         r"local\.yaml: unknown key 'monitors\.freshness_hours\.sales'"),
        ("local", "", ["monitors.volume.low_ratio=half"],
         r"--set monitors\.volume\.low_ratio=half: key 'monitors\.volume\.low_ratio' must be a number"),
        ("local", "", ["monitors.volume.high_ratio=true"], r"key 'monitors\.volume\.high_ratio' must be a number"),
        ("local", "", ["monitors.volume.low_ratio=1.5"], r"must satisfy 0 <= low_ratio < 1 < high_ratio"),
        ("local", "", ["monitors.volume.min_baseline_runs=8"],
         r"key 'monitors\.volume\.min_baseline_runs' must not exceed monitors\.volume\.baseline_runs"),
        ("local", "", ["monitors.zero_rows.stages=[silver, publish]"],
         r"key 'monitors\.zero_rows\.stages' has publish; expected some of bronze, silver, gold, platinum"),
        ("local", "", ["monitors.date_gaps.datasets=[stores]"],
         r"key 'monitors\.date_gaps\.datasets' has stores; expected some of transactions, items"),
        ("local", "", ["monitors.date_gaps.lookback_days=0"], r"key 'monitors\.date_gaps\.lookback_days' must be >= 1"),
        ("local", "", ["monitors.reconciliation.money_tolerance=-0.01"],
         r"key 'monitors\.reconciliation\.money_tolerance' must be >= 0"),
    ],
)  # fmt: skip
def test_load_config_errors_name_file_and_key(
    conf: Path, env: str, file_text: str, overrides: list[str], expected: str
) -> None:
    _append(conf / f"{env}.yaml", file_text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(env, overrides=overrides, directory=conf)
    assert "\n" not in str(info.value)


def test_load_config_missing_key_names_the_files(conf: Path) -> None:
    (conf / "dev.yaml").write_text("env: dev\nsource:\n  root: s3a://b/x/\n")
    with pytest.raises(ConfigError, match=r"base\.yaml \+ .*dev\.yaml: missing key 'lake\.root'"):
        load_config("dev", directory=conf)


def test_load_config_unknown_env_and_missing_overlay(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--env qa: unknown env"):
        load_config("qa")
    with pytest.raises(ConfigError, match=r"nope\.yaml: config file not found"):
        load_config("local", [tmp_path / "nope.yaml"])


def test_load_config_is_frozen() -> None:
    config = load_config("local")
    with pytest.raises(AttributeError):
        config.env = "prod"  # type: ignore[misc]


def test_spark_conf_creates_tables_with_deletion_vectors_unless_turned_off() -> None:
    key = "spark.databricks.delta.properties.defaults.enableDeletionVectors"
    assert spark_conf(load_config("local"))[key] == "true"
    off = load_config("local", overrides=["lake.deletion_vectors=false"])
    assert spark_conf(off)[key] == "false"


@pytest.mark.parametrize("terminal", [True, False])
def test_spark_conf_shows_the_progress_bar_on_a_terminal_only(monkeypatch, terminal: bool) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    shown = spark_conf(load_config("local"))["spark.ui.showConsoleProgress"]
    assert shown == str(terminal).lower()


def test_spark_conf_puts_the_jars_on_a_local_driver_class_path(monkeypatch) -> None:
    """Local mode: the class path (spark.jars would copy 670 MB per JVM); a cluster: spark.jars."""
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    local = spark_conf(load_config("local"))
    assert "spark.jars" not in local
    class_path = local["spark.driver.extraClassPath"].split(os.pathsep)
    assert any("delta-spark" in jar for jar in class_path)
    assert all(Path(jar).is_file() for jar in class_path)
    cluster = spark_conf(load_config("local", [], ["spark.master=spark://127.0.0.1:7077"]))
    assert "spark.driver.extraClassPath" not in cluster
    assert cluster["spark.jars"].split(",") == class_path


def test_load_config_derives_the_connection_from_postgres_target() -> None:
    pg = load_config("prod").postgres
    assert (pg.host, pg.port, pg.database) == ("scout-prod-db.internal", 5432, "scout")
    moved = load_config("dev", overrides=["postgres.target=127.0.0.1:6543/scout_dev_copy"])
    assert (moved.postgres.host, moved.postgres.port, moved.postgres.database) == (
        "127.0.0.1", 6543, "scout_dev_copy",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("other_root", "own_root", "refused"),
    [
        ("abfss://lake@scoutprod.dfs.core.windows.net/lake/",
         "abfs://LAKE@ScoutProd.dfs.core.windows.net/other/", "bucket abfs://lake@scoutprod"),
        ("abfss://lake@scoutprod.dfs.core.windows.net/lake/",
         "wasbs://lake@scoutprod.blob.core.windows.net/x/", "bucket abfs://lake@scoutprod"),
        ("abfss://lake@scoutprod.dfs.core.windows.net/lake/",
         "abfss://lake2@scoutprod.dfs.core.windows.net/lake/", None),
        ("{tmp}/staging-lake/", "file://{tmp}/x/../staging-lake/sub/", "root {tmp}/staging-lake/"),
        ("{tmp}/staging-lake/sub/", "{link}/", "root {tmp}/staging-lake/sub/"),
        ("{tmp}/staging-lake/", "{tmp}/staging-lake-2/", None),
    ],
)  # fmt: skip
def test_load_config_compares_normalised_roots_of_another_env(
    conf: Path, tmp_path: Path, other_root: str, own_root: str, refused: str | None
) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "staging-lake")
    names = {"tmp": tmp_path, "link": tmp_path / "link"}
    _append(conf / "staging.yaml", f"lake:\n  root: {other_root.format(**names)}\n")
    override = f"lake.root={own_root.format(**names)}"
    if refused is None:
        assert load_config("local", overrides=[override], directory=conf).env == "local"
        return
    with pytest.raises(ConfigError, match=re.escape(f"env 'staging' {refused.format(**names)}")):
        load_config("local", overrides=[override], directory=conf)


SECRET_CONF_KEYS = [
    "spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key",
    "spark.hadoop.fs.s3a.session.token", "spark.hadoop.fs.s3a.bucket.b1.secret.key",
    "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net",
    "spark.hadoop.fs.azure.sas.lake.acct.blob.core.windows.net",
    "spark.hadoop.fs.s3a.encryption.key", "spark.ssl.keyPassword",
    "spark.hadoop.fs.azure.account.oauth2.client.secret", "spark.authenticate.secret",
    "spark.hadoop.google.cloud.auth.service.account.private.key", "spark.some.credentials",
]  # fmt: skip


@pytest.mark.parametrize("key", SECRET_CONF_KEYS)
def test_load_config_refuses_secret_keys_in_extra_conf(key: str) -> None:
    with pytest.raises(ConfigError, match=r"would put a secret in config; give it through") as info:
        load_config("local", overrides=[f"spark.extra_conf.{key}=Zq8-value-x1"])
    assert f"spark.extra_conf.{key}" in str(info.value) and "Zq8" not in str(info.value)


@pytest.mark.parametrize(
    "value", ["jdbc:mysql://u:pw1234@db/meta", "a=1;password=pw1234", "x&sig=abcd%2Bef"]
)
def test_load_config_refuses_extra_conf_values_carrying_a_secret(value: str) -> None:
    with pytest.raises(ConfigError, match=r"spark\.extra_conf\.spark\.hadoop\.x\.url' would"):
        load_config("local", overrides=[f"spark.extra_conf.spark.hadoop.x.url={value}"])


def test_load_config_keeps_extra_conf_naming_providers_and_sizes() -> None:
    keys = {
        "spark.hadoop.fs.s3a.aws.credentials.provider": "software.amazon.Provider",
        "spark.hadoop.fs.s3a.delegation.token.binding": "org.example.Binding",
        "spark.hadoop.fs.s3a.multipart.size": "5M",
    }
    config = load_config("local", overrides=[f"spark.extra_conf.{k}={v}" for k, v in keys.items()])
    assert keys.items() <= config.spark.extra_conf.items()
