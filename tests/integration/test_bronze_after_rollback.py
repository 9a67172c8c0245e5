"""A rolled-back bronze run: bronze ingests again afterwards; a killed rollback is finished."""

import json
import shutil
from pathlib import Path

import pytest
from delta.tables import DeltaTable
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from scout_lab.sample.cli import main as generate
from scout_spark.cli.runner import invoke
from scout_spark.config import Config
from scout_spark.errors import ScoutError
from scout_spark.lake.commit_tag import TAG_PREFIX

BRONZE, STATE = ("bronze", "transactions"), ("bronze", "_state", "transactions_files")


class Killed(BaseException):
    """Stands for a SIGKILL: no `except Exception` of the stage sees it."""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Three days of sample files and their dates."""
    dest = tmp_path_factory.mktemp("generated")
    generate(["--dest", str(dest), "--days", "3", "--transactions-per-day", "30",
              "--stores", "4", "--customers", "20", "--faults", "none", "--seed", "11"])  # fmt: skip
    files = json.loads((dest / "_manifest.json").read_text())["files"]
    return dest, sorted({e["date"] for e in files if e.get("date")})


def _land(generated: tuple[Path, list[str]], config: Config, day: str) -> None:
    """Copy the transactions files of one day into the landing zone."""
    dest, _ = generated
    landing = Path(config.source.root.removeprefix("file://"))
    for entry in json.loads((dest / "_manifest.json").read_text())["files"]:
        if entry.get("date") == day and "transactions" in entry["path"]:
            target = landing / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dest / entry["path"], target)


def _bronze(spark: SparkSession, config: Config) -> str:
    """One bronze run over transactions; its run id (from the commit tag)."""
    invoke(spark, config, "bronze", dataset="transactions")
    path = config.lake_path(*STATE)
    tag = DeltaTable.forPath(spark, path).history(1).select("userMetadata").first()
    assert tag is not None and tag[0].startswith(TAG_PREFIX)
    return tag[0][len(TAG_PREFIX) :]


def _rows(spark: SparkSession, config: Config, parts: tuple[str, ...]) -> list[str]:
    return sorted(spark.read.format("delta").load(config.lake_path(*parts)).toJSON().collect())


def _landing(config: Config) -> Path:
    return Path(config.source.root.removeprefix("file://"))


def _landed(config: Config) -> set[str]:
    """Paths under the landing zone (every day's file has the same name: not names alone)."""
    landing = _landing(config)
    return {str(p.relative_to(landing)) for p in landing.rglob("*") if p.is_file()}


def _relative(config: Config, path: str) -> str:
    return path.split(f"{_landing(config)}/", 1)[-1]


def _assert_every_landed_file_once(spark: SparkSession, config: Config) -> None:
    """Bronze holds every landed file's rows exactly once; the state records each file once."""
    bronze_df = spark.read.format("delta").load(config.lake_path(*BRONZE))
    files = {_relative(config, r[0]) for r in bronze_df.select("_source_file").distinct().collect()}
    assert files == _landed(config)
    twice = bronze_df.groupBy("_source_file", "_source_row").count().filter(F.col("count") > 1)
    assert twice.count() == 0
    state_df = spark.read.format("delta").load(config.lake_path(*STATE))
    ingested = state_df.filter(F.col("status") == "ingested").select("file_path").collect()
    assert {_relative(config, r[0]) for r in ingested} == _landed(config)
    # A replay records under the id it was planned with: as an uninterrupted run leaves it
    batches = state_df.groupBy("file_path").agg(F.countDistinct("batch_id").alias("ids"))
    assert batches.filter(F.col("ids") > 1).count() == 0


def test_bronze_ingests_again_after_a_rollback_and_a_new_partition(
    spark: SparkSession, lake_config, generated: tuple[Path, list[str]]
) -> None:
    config = lake_config("after_rollback")
    days = generated[1]
    _land(generated, config, days[0])
    _bronze(spark, config)
    _land(generated, config, days[1])
    second = _bronze(spark, config)
    rows_after_second = spark.read.format("delta").load(config.lake_path(*BRONZE)).count()

    invoke(spark, config, "rollback", target_run=second)
    _bronze(spark, config)  # the rolled-back day is new again
    assert spark.read.format("delta").load(config.lake_path(*BRONZE)).count() == rows_after_second
    _assert_every_landed_file_once(spark, config)

    _land(generated, config, days[2])
    _bronze(spark, config)
    assert spark.read.format("delta").load(config.lake_path(*BRONZE)).count() > rows_after_second
    _assert_every_landed_file_once(spark, config)


def test_a_rollback_killed_between_tables_is_finished_by_running_it_again(
    spark: SparkSession, lake_config, generated: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import scout_spark.ops.rollback as rollback

    config = lake_config("killed_rollback")
    days = generated[1]
    _land(generated, config, days[0])
    _bronze(spark, config)
    before = {parts: _rows(spark, config, parts) for parts in (BRONZE, STATE)}
    _land(generated, config, days[1])
    second = _bronze(spark, config)

    roll_back = rollback._roll_back

    def kill_after_a_table(*args: object) -> object:
        roll_back(*args)  # type: ignore[arg-type]
        raise Killed("killed after restoring a table")  # as SCOUT_CRASH_AT=rollback.after_table

    with monkeypatch.context() as patched:
        patched.setattr(rollback, "_roll_back", kill_after_a_table)
        with pytest.raises(Killed):
            invoke(spark, config, "rollback", target_run=second)
    restored = [p for p in (BRONZE, STATE) if _rows(spark, config, p) == before[p]]
    assert restored  # the kill came after a restore commit

    try:
        invoke(spark, config, "rollback", target_run=second)  # no --force
    except ScoutError as exc:
        pytest.fail(f"the rerun of the rollback was refused: {exc}")
    assert {parts: _rows(spark, config, parts) for parts in (BRONZE, STATE)} == before


def test_a_replay_rolled_back_lands_its_rows_when_replayed_again(
    spark: SparkSession, lake_config, generated: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import scout_spark.pipelines.bronze as bronze

    config = lake_config("replay_rolled_back")
    days = generated[1]
    _land(generated, config, days[0])
    _bronze(spark, config)
    _land(generated, config, days[1])

    def die_after_plan(name: str) -> None:
        if name == "bronze.after_plan":  # as SCOUT_CRASH_AT=bronze.after_plan
            raise Killed("killed after planning the batch")

    with monkeypatch.context() as patched:
        patched.setattr(bronze, "crash_point", die_after_plan)
        with pytest.raises(Killed):
            invoke(spark, config, "bronze", dataset="transactions")
    replay = _bronze(spark, config)  # writes the batch under its planned id
    _assert_every_landed_file_once(spark, config)

    invoke(spark, config, "rollback", target_run=replay)  # the batch is pending again
    _bronze(spark, config)
    _assert_every_landed_file_once(spark, config)
    _bronze(spark, config)  # nothing pending nor new: no second copy
    _assert_every_landed_file_once(spark, config)


def test_a_replay_records_each_rejected_file_once_killed_or_rolled_back(
    spark: SparkSession, lake_config, generated: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from scout_spark.sources.file_state import FileState

    config = lake_config("replay_rejects")
    _land(generated, config, generated[1][0])
    broken = next(_landing(config).rglob("*.parquet")).parent / "broken.parquet"
    broken.write_bytes(b"not a parquet file")

    def recorded() -> tuple[list[str], list[str]]:
        """The rejected-files rows, and the file-state rows, of the broken file."""
        read = spark.read.format("delta")
        rejects = read.load(config.lake_path("bronze", "transactions_rejected_files"))
        state = read.load(config.lake_path(*STATE)).where(
            F.col("file_path").endswith("broken.parquet")
        )
        return (
            [_relative(config, r[0]) for r in rejects.select("file_path").collect()],
            sorted(r[0] for r in state.select("status").collect()),
        )

    append_state = FileState._append

    def die_before_finish(self: FileState, *args: object, **kwargs: object) -> None:
        if "bronze-finish" in args:  # after the rejects append: as a SIGKILL between the two
            raise Killed("killed before recording the outcomes")
        append_state(self, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(FileState, "_append", die_before_finish)
        with pytest.raises(Killed):
            invoke(spark, config, "bronze", dataset="transactions")
    broken_file = _relative(config, str(broken))
    assert recorded() == ([broken_file], ["planned"])  # the kill came after the rejects append

    replay = _bronze(spark, config)
    assert recorded() == ([broken_file], ["planned", "rejected"])
    invoke(spark, config, "rollback", target_run=replay)
    assert recorded() == ([broken_file], ["planned"])  # the replay's finish is undone
    _bronze(spark, config)
    assert recorded() == ([broken_file], ["planned", "rejected"])
