"""The publish transaction, fed while the tables load: staged batches move in as they land.

The transaction opens before the first table loads and commits after the last, so every
dashboard table changes inside it: readers (MVCC) see the old rows until COMMIT and all the
new ones after it, never a mix, an empty or a half-loaded table; if the connection dies
first, Postgres rolls it all back. A batch a Spark task announces (NOTIFY) is moved at once,
so Postgres fills the dashboard table while Spark still loads the next batches. When a
table's load ends, the batches Spark kept are reconciled with those moved: a moved batch
Spark did not keep (a failed attempt) rolls the table back to its savepoint to move again.
Only DELETE and INSERT are used, never TRUNCATE (not MVCC-safe) nor DROP.
"""

import queue
import threading
from dataclasses import dataclass, field
from datetime import date

from psycopg import Connection, sql

from scout_spark.config.model import PostgresConfig
from scout_spark.publish import finalize
from scout_spark.publish.connection import connect, staging_schema
from scout_spark.publish.copy_load import StagedRows
from scout_spark.publish.plan import TablePlan

_STOP = object()


@dataclass
class _Table:
    """Progress of one table inside the transaction."""

    plan: TablePlan
    savepoint: str
    is_started: bool = False
    is_done: bool = False
    moved: list[str] = field(default_factory=list)
    deleted: int = 0
    written: int = 0


class Mover:
    """Owns the publish transaction (its own connection) and a worker that moves batches."""

    def __init__(self, pg: PostgresConfig, first_date: date | None, channel: str) -> None:
        self.pg, self.first_date = pg, first_date
        self.conn: Connection = connect(pg, purpose="publish")
        self._listener: Connection = connect(pg, autocommit=True, purpose="publish-listen")
        self._listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        self.conn.execute("SET LOCAL idle_in_transaction_session_timeout = 0")  # waits on Spark
        finalize.begin_move(self.conn)
        self._tables: dict[str, _Table] = {}
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, name="publish-mover", daemon=True)
        self._listen_thread = threading.Thread(
            target=self._listen, name="publish-listen", daemon=True
        )
        self._worker.start()
        self._listen_thread.start()

    def expect(self, template: str, plan: TablePlan) -> None:
        """Announce a table before its batches load (call from any thread)."""
        self._tables[template] = _Table(plan, f"sp_{template}")

    def moved(self, template: str) -> tuple[str, ...]:
        """The batches of `template` moved so far (monitoring and tests)."""
        table = self._tables.get(template)
        return tuple(table.moved) if table is not None else ()

    def done(self, template: str, plan: TablePlan, staged: StagedRows | None) -> None:
        """A table finished loading (`staged` None: it loads nothing); call from any thread."""
        self._tables.setdefault(template, _Table(plan, f"sp_{template}"))
        self._queue.put((template, staged))

    def finish(self) -> dict[str, finalize.TableChange]:
        """Wait until every table is moved; the transaction stays open for the caller."""
        self._stop_threads()
        if self.error is not None:
            raise self.error
        return {
            t.plan.table.pg_table: finalize.TableChange(t.deleted, t.written)
            for t in self._tables.values()
        }

    def close(self) -> None:
        """Stop the threads and close both connections (rolling back unless committed)."""
        self._stop_threads()
        self._listener.close()
        self.conn.close()

    def _stop_threads(self) -> None:
        self._stop.set()
        self._queue.put(_STOP)
        self._worker.join()
        self._listen_thread.join()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                for note in self._listener.notifies(timeout=0.5):
                    self._queue.put(note.payload)
            except Exception:  # only an optimisation: `done` moves whatever was missed
                return

    def _work(self) -> None:
        while (item := self._queue.get()) is not _STOP:
            if self.error is not None:
                continue
            try:
                if isinstance(item, str):
                    self._move_batch(item)
                else:
                    self._finish_table(*item)  # type: ignore[misc]
            except BaseException as exc:
                self.error = exc

    def _target(self, table: _Table) -> sql.Composable:
        return sql.Identifier(self.pg.schema, table.plan.table.pg_table)

    def _run(self, table: _Table, statement: sql.Composable | None, *, deletes: bool) -> None:
        if statement is None:
            return
        count = max(self.conn.execute(statement).rowcount, 0)
        if deletes:
            table.deleted += count
        else:
            table.written += count

    def _start(self, table: _Table) -> None:
        """Savepoint, then the slices' DELETE, once per table before its first insert."""
        if table.is_started:
            return
        self.conn.execute(sql.SQL("SAVEPOINT {}").format(sql.Identifier(table.savepoint)))
        self._run(table, finalize.delete_slices(table.plan, self._target(table)), deletes=True)
        table.is_started = True

    def _batch(self, name: str) -> sql.Composable:
        return sql.Identifier(staging_schema(self.pg), name)

    def _move_batch(self, batch: str) -> None:
        table = self._tables.get(batch.rsplit("_b", 1)[0])  # <template>_b<attempt>_<n>
        if table is None or table.is_done or table.plan.table.slice_column is None:
            return  # keyed tables move at the end of their load; late news is ignored
        self._start(table)
        statement = finalize.insert_batch(table.plan, self._target(table), self._batch(batch))
        self._run(table, statement, deletes=False)
        table.moved.append(batch)

    def _finish_table(self, template: str, staged: StagedRows | None) -> None:
        table = self._tables[template]
        kept = list(staged.batch_tables) if staged is not None else []
        if not set(table.moved) <= set(kept):  # a batch of an attempt Spark did not keep
            savepoint = sql.Identifier(table.savepoint)
            self.conn.execute(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(savepoint))
            table.is_started, table.moved, table.deleted, table.written = True, [], 0, 0
            self._run(table, finalize.delete_slices(table.plan, self._target(table)), deletes=True)
        self._start(table)
        target, batches = self._target(table), [self._batch(b) for b in kept]
        if table.plan.table.slice_column is None and staged is not None:
            for statement in finalize.delete_keys(table.plan, target, batches):
                self._run(table, statement, deletes=True)
        for name in kept:
            if name not in table.moved:
                statement = finalize.insert_batch(table.plan, target, self._batch(name))
                self._run(table, statement, deletes=False)
        trim = finalize.trim_window(table.plan, target, self.first_date)
        self._run(table, trim, deletes=True)
        table.is_done = True
