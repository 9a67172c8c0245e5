"""Config loading: every validation error is one line naming the file and the key."""

import shutil
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
