"""A dashboard reading during a publish, or one killed midway, sees complete old or new rows."""

import dataclasses
import re
import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from dashboard import dashboard_state
from publish_lake import DAYS, assert_matches_lake, customer_rows, day_rows, write_table
from pyspark.sql import SparkSession

from scout_spark.config import Config
from scout_spark.lake.lock import TableLockedError
from scout_spark.parallel import for_each
from scout_spark.publish.connection import psycopg_kwargs
from scout_spark.publish.migrate import migrate
from scout_spark.publish.publish_lock import LOCK_KEY, holder_purpose
from scout_spark.results import StageResult

pytestmark = pytest.mark.postgres
WAITING_SQL = """
SELECT pid FROM pg_stat_activity
WHERE application_name = 'scout-lakehouse:publish' AND wait_event_type = 'Lock'
"""


class Reader(threading.Thread):
    """Polls every dashboard table's count and checksum, each poll one snapshot."""

    def __init__(self, config: Config) -> None:
        super().__init__(daemon=True)
        self.conninfo = {**psycopg_kwargs(config.postgres), "autocommit": True}
        self.schema = config.postgres.schema
        self.seen: list[tuple[str, ...]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(**self.conninfo) as conn:
            conn.execute(f"SET search_path = {self.schema}")
            while not self.stop.is_set():
                self.seen.append(dashboard_state(conn))
                time.sleep(0.01)


def _change_lake(spark: SparkSession, config: Config) -> None:
    late = DAYS[0]
    changed = day_rows(late, tag=3)
    names = (
        "gold/transactions",
        "gold/transaction_items",
        "gold/daily_store_sales",
        "platinum/monitors",
    )
    for_each(lambda n: write_table(spark, config, n, changed[n], replace_day=late), names)
    write_table(spark, config, "platinum/customer_features", customer_rows(tag=2))


def _publish_paused_before_commit(
    config: Config, run_stage: Callable, on_pause: Callable[[psycopg.Connection, int], None]
) -> dict:
    """Run a publish in a thread, hold it inside its final transaction, call `on_pause`."""
    outcome: dict = {}

    def publish() -> None:
        try:
            outcome["result"] = run_stage(config, "publish")
        except Exception as exc:
            outcome["error"] = exc

    kwargs = psycopg_kwargs(config.postgres)
    with (
        psycopg.connect(**kwargs) as blocker,
        psycopg.connect(**kwargs, autocommit=True) as watcher,
    ):
        # SHARE blocks the publish log INSERT, the last write of the final transaction.
        blocker.execute(f"LOCK TABLE {config.postgres.schema}.publish_log IN SHARE MODE")
        thread = threading.Thread(target=publish)
        thread.start()
        deadline = time.monotonic() + 300
        while not (waiting := watcher.execute(WAITING_SQL).fetchall()):
            assert thread.is_alive() and time.monotonic() < deadline, outcome
            time.sleep(0.2)
        on_pause(watcher, waiting[0][0])
        blocker.rollback()
    thread.join(timeout=300)
    return outcome


def test_readers_see_old_or_new_rows_during_a_killed_and_a_completed_publish(
    spark: SparkSession, case: Config, run_stage
) -> None:
    run_stage(case, "publish")
    reader = Reader(case)
    reader.start()
    time.sleep(0.3)
    old = reader.seen[-1]
    _change_lake(spark, case)

    def kill(watcher: psycopg.Connection, pid: int) -> None:
        time.sleep(0.3)  # every dashboard table is rewritten by now, but not committed
        watcher.execute("SELECT pg_terminate_backend(%s)", [pid])

    killed = _publish_paused_before_commit(case, run_stage, kill)
    time.sleep(0.3)

    assert "error" in killed and "terminat" in str(killed["error"]).lower(), killed
    assert set(reader.seen) == {old}

    def paused(_: psycopg.Connection, __: int) -> None:
        time.sleep(0.3)
        assert reader.seen[-1] == old

    completed = _publish_paused_before_commit(case, run_stage, paused)
    time.sleep(0.3)
    reader.stop.set()
    reader.join()

    assert isinstance(completed.get("result"), StageResult), completed
    new = reader.seen[-1]
    assert new != old
    assert set(reader.seen) == {old, new}
    assert_matches_lake(spark, case)


def _hold_publish_lock(config: Config, run_id: str) -> psycopg.Connection:
    """A connection holding the schema's publish lock as run `run_id`'s publish would."""
    name = f"scout-lakehouse:{holder_purpose(run_id)}"
    kwargs = {**psycopg_kwargs(config.postgres), "application_name": name}
    holder = psycopg.connect(**kwargs, autocommit=True)  # type: ignore[arg-type]
    holder.execute(f"SELECT pg_advisory_lock({LOCK_KEY})", [config.postgres.schema])
    return holder


def test_a_second_publish_waits_then_stops_naming_the_run_holding_the_schema(
    case: Config, run_stage, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(case.postgres)
    brief = dataclasses.replace(case, lake=dataclasses.replace(case.lake, lock_wait_seconds=1))
    with _hold_publish_lock(case, "run-elsewhere"):
        with pytest.raises(
            TableLockedError, match=r"publish:\w+ is being written by run run-elsewhere; waited 1s"
        ):
            run_stage(brief, "publish")
    assert "held by run run-elsewhere" in capsys.readouterr().err


def test_a_second_publish_goes_on_once_the_first_ends(
    spark: SparkSession, case: Config, run_stage, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(case.postgres)
    holder = _hold_publish_lock(case, "run-elsewhere")
    threading.Timer(3.0, holder.close).start()
    result = run_stage(case, "publish")
    assert result.records_written and result.records_written > 0
    err = capsys.readouterr().err
    assert "waiting for publish:" in err
    assert_matches_lake(spark, case)
    # Then a progress line per table copied, in order.
    copied = re.findall(
        r"^  publish (\w+): [\d,]+ rows copied \((\d+) of (\d+) tables\)", err, re.M
    )
    assert copied and [int(done) for _, done, _ in copied] == list(range(1, len(copied) + 1))
    assert {int(total) for _, _, total in copied} == {len(copied)}
    assert "scout_gold_transactions" in {table for table, _, _ in copied}
