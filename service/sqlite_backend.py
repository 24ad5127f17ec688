"""The SQLite engine: write transactions start with BEGIN IMMEDIATE, retried while another process writes."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import threading
import time
from typing import TYPE_CHECKING, cast

import aiosqlite
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

log = logging.getLogger("juara.db")

# busy_timeout already waits inside SQLite; these rounds cover a writer that holds the lock longer.
BEGIN_ATTEMPTS = 5

# A SELECT outside a transaction first runs on the event loop's own thread, for at most this long; one
# that needs more is interrupted there and run again on the reader's thread (see `_read_here`).
INLINE_READ_SECONDS = 0.002
INLINE_CHECK_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock


if TYPE_CHECKING:  # the mixin only ever sits in front of a SqliteClient
    _RowCountBase = SqliteClient
else:
    _RowCountBase = object


class _StatementRowCount(_RowCountBase):
    """The rows an INSERT/UPDATE/DELETE touched itself, as PostgreSQL reports them.

    Tortoise counts `total_changes`, which includes the rows the change-stamp triggers update
    (service/change_stamp.py): a conditional UPDATE of one row would report two. The cursor's rowcount
    (`sqlite3_changes()`) counts the statement's own rows only.
    """

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None):
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            # One trip to the connection's thread (execute, fetch, count, close), not one per step.
            changed, rows = await connection._execute(_run_counted, connection._conn, query, values or [])
            return (changed if changed > 0 else 0) or len(rows), rows


def _begin(conn: sqlite3.Connection) -> None:
    conn.commit()
    conn.execute("BEGIN IMMEDIATE").close()


def _flush_and_commit(conn: sqlite3.Connection, statements: list[tuple[str, list]]) -> None:
    try:
        _run_batch(conn, statements)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _run_batch(conn: sqlite3.Connection, statements: list[tuple[str, list]]) -> list[list]:
    out = []
    for query, values in statements:
        cursor = conn.execute(query, values or [])
        try:
            out.append(cursor.fetchall())
        finally:
            cursor.close()
    return out


def _run_counted(conn: sqlite3.Connection, query: str, values: list) -> tuple[int, list]:
    """In the connection's thread: the statement's rows and the rows it changed itself."""
    cursor = conn.execute(query, values)
    try:
        return cursor.rowcount, cursor.fetchall()
    finally:
        cursor.close()


class ImmediateTransactionWrapper(_StatementRowCount, SqliteTransactionWrapper):
    """Takes the write lock when the transaction starts. A deferred BEGIN reads first and upgrades to
    a writer later; with several server processes on one file that upgrade fails at once with
    "database is locked" (SQLite cannot wait for it without risking deadlock)."""

    def __init__(self, connection: SqliteClient) -> None:
        super().__init__(connection)
        self._deferred: list[tuple[str, list]] = []

    def _in_transaction(self):
        from tortoise.backends.base.client import NestedTransactionContext

        return NestedTransactionContext(ImmediateTransactionWrapper(self))

    def defer(self, statements: list[tuple[str, list]]) -> bool:
        """Keep writes whose results this transaction never reads (audit lines, aggregate moves, duplicate
        hints) to send with the COMMIT, in one trip; False in a nested transaction (a savepoint rolled back
        alone would have to take them back), where the caller runs them at once."""
        if not isinstance(self._parent, ImmediateSqliteClient) or self._finalized:
            return False
        self._deferred.extend((query.replace("\x00", "'||CHAR(0)||'"), values) for query, values in statements)
        return True

    async def commit(self) -> None:
        if self._finalized or not self._deferred:
            await super().commit()
            return
        statements, self._deferred = self._deferred, []
        self.log.debug("deferred with the commit: %s", statements)
        # All or nothing: a deferred write that fails rolls the whole transaction back before it is raised.
        try:
            await self._connection._execute(_flush_and_commit, self._connection._conn, statements)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        finally:
            self._finalized = True

    async def rollback(self) -> None:
        self._deferred = []
        await super().rollback()

    @translate_exceptions
    async def execute_batch(self, statements: list[tuple[str, list]]) -> list[list]:
        """Several statements in one trip to the connection's thread, in order; the rows of each.

        Inside a write transaction every trip is a wait for the event loop while the write lock is held:
        with other requests on the loop, the trips, not SQLite, set how long the lock is held."""
        statements = [(query.replace("\x00", "'||CHAR(0)||'"), values) for query, values in statements]
        async with self.acquire_connection() as connection:
            self.log.debug("batch: %s", statements)
            return await connection._execute(_run_batch, connection._conn, statements)

    async def begin(self) -> None:
        # The parent is always an ImmediateSqliteClient (its _in_transaction makes this wrapper).
        writers = cast("ImmediateSqliteClient", self._parent)._writers
        await writers.acquire()
        try:
            await self._begin_immediate()
        except BaseException:
            writers.release()
            raise

    async def _begin_immediate(self) -> None:
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            try:
                # One trip: whatever the connection had open is committed, then the write lock taken.
                await self._connection._execute(_begin, self._connection._conn)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise TransactionManagementError(exc) from exc
                if attempt == BEGIN_ATTEMPTS:
                    raise
                log.warning("sqlite write lock busy, retrying", extra={"attempt": attempt})
                await asyncio.sleep(0.05 * attempt)


class WriterTurn:
    """Whose turn it is to write, between the server's processes: an advisory lock on a file beside the
    database, taken before BEGIN IMMEDIATE and given back when the transaction ends.

    SQLite's own wait for the write lock (busy_timeout) sleeps in steps of up to 100 ms, so a writer of
    one process often waits far longer than the other's transaction lasts; polling this lock every
    millisecond on the event loop hands the turn over within about a millisecond. Each process takes
    it for one transaction at a time (its transactions already queue on one connection). After the busy
    timeout the transaction goes ahead and SQLite's own wait decides, as without this lock."""

    def __init__(self, database: str, timeout_ms: int) -> None:
        self.path = None if database in ("", ":memory:") or database.startswith("file::memory:") else (
            database + "-writer.lock")
        self.timeout = max(timeout_ms, 0) / 1000
        self._fd: int | None = None
        self._held = False

    def _open(self) -> int | None:
        if self._fd is None and self.path is not None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a read-only directory: SQLite's own wait alone
                self.path = None
        return self._fd

    async def acquire(self) -> None:
        fd = self._open()
        if fd is None:
            return
        deadline = time.monotonic() + self.timeout
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning("sqlite writer turn not given within the busy timeout; going ahead")
                    return
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.002)
            else:
                self._held = True
                return

    def release(self) -> None:
        if self._held and self._fd is not None:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _TurnTakingTransaction(SqliteTransactionContext):
    """Gives the writer turn back however the transaction ends (commit, rollback or a failed BEGIN)."""

    async def __aexit__(self, exc_type, exc_val, exc_tb) -> None:
        try:
            await super().__aexit__(exc_type, exc_val, exc_tb)
        finally:
            self.connection._parent._writers.release()


class ImmediateSqliteClient(_StatementRowCount, SqliteClient):
    """One connection for writes and transactions (Tortoise's, behind its lock) and one read-only
    connection for the SELECTs made outside a transaction.

    Tortoise queues every statement of a process behind the lock a transaction holds until it ends, so
    without the second connection an anonymous listing waited for a verification's whole transaction.
    In WAL mode a reader sees the last committed state and never waits for the writer, as a SELECT on
    another pooled connection does on PostgreSQL.

    Most SELECTs take a fraction of a millisecond, less than the two hand-overs between the event loop and
    the reader's thread cost. So a SELECT runs first on a third connection, read-only too, on the event
    loop's own thread, with a budget of INLINE_READ_SECONDS: SQLite's progress handler interrupts it when
    the budget is spent, and it runs again on the reader's thread, where it takes as long as it needs
    without holding up the other requests. A read that would wait for a lock goes there too."""

    def __init__(self, file_path: str, **kwargs) -> None:
        super().__init__(file_path, **kwargs)
        self._writers = WriterTurn(self.filename, int(self.pragmas.get("busy_timeout", 5000) or 0))
        self._reader: aiosqlite.Connection | None = None
        self._reader_opening: asyncio.Lock = asyncio.Lock()
        self._has_reader = self._writers.path is not None  # an in-memory database has one connection only
        self._here: sqlite3.Connection | None = None  # the reads' connection on the event loop's thread
        self._here_thread = 0
        self._here_until = 0.0
        self.reads_moved = 0  # reads that spent their budget on the loop's thread and ran on the reader's

    def _in_transaction(self):
        return _TurnTakingTransaction(ImmediateTransactionWrapper(self), self._lock)

    async def _read_connection(self) -> aiosqlite.Connection:
        if self._reader is None:
            async with self._reader_opening:
                if self._reader is None:
                    await self.create_connection(with_db=True)  # the file and its WAL exist first
                    reader = await aiosqlite.connect(self.filename, isolation_level=None)
                    reader._conn.row_factory = sqlite3.Row
                    for pragma, value in self.pragmas.items():
                        if pragma not in ("journal_mode", "journal_size_limit"):
                            await reader.execute(f"PRAGMA {pragma}={value}")
                    await reader.execute("PRAGMA query_only = 1")
                    self._reader = reader
                    self._open_here()
        return self._reader

    def _open_here(self) -> None:
        here = sqlite3.connect(self.filename, isolation_level=None, check_same_thread=False)
        here.row_factory = sqlite3.Row
        for pragma, value in self.pragmas.items():
            if pragma not in ("journal_mode", "journal_size_limit", "busy_timeout"):
                here.execute(f"PRAGMA {pragma}={value}").close()
        here.execute("PRAGMA busy_timeout = 0").close()  # never wait on the loop's thread: move instead
        here.execute("PRAGMA query_only = 1").close()
        here.set_progress_handler(self._spent, INLINE_CHECK_STEPS)
        self._here, self._here_thread = here, threading.get_ident()

    def _spent(self) -> bool:
        return time.perf_counter() > self._here_until

    def _read_here(self, query: str, values: list) -> tuple[int, list] | None:
        """The statement's result read on the event loop's thread, or None when it is to run on the reader's
        thread: it spent its budget (SQLite interrupted it), it would wait for a lock, or this is not the
        thread the connection was opened on."""
        here = self._here
        if here is None or self._here_thread != threading.get_ident():
            return None
        self._here_until = time.perf_counter() + INLINE_READ_SECONDS
        try:
            return _run_counted(here, query, values)
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "interrupted" in text or "locked" in text or "busy" in text:
                self.reads_moved += 1
                return None
            raise

    def _reads(self, query: str) -> bool:
        return self._has_reader and query.lstrip()[:6].upper() == "SELECT"

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None):
        if not self._reads(query):
            return await super().execute_query(query, values)
        query = query.replace("\x00", "'||CHAR(0)||'")
        self.log.debug("%s: %s", query, values)
        done = self._read_here(query, values or [])
        if done is None:
            reader = await self._read_connection()
            done = await reader._execute(_run_counted, reader._conn, query, values or [])
        changed, rows = done
        return (changed if changed > 0 else 0) or len(rows), rows

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        if not self._reads(query):
            return await super().execute_query_dict(query, values)
        query = query.replace("\x00", "'||CHAR(0)||'")
        self.log.debug("%s: %s", query, values)
        done = self._read_here(query, values or [])
        if done is None:
            reader = await self._read_connection()
            done = await reader._execute(_run_counted, reader._conn, query, values or [])
        return [dict(row) for row in done[1]]

    async def close(self) -> None:
        if self._here is not None:
            self._here.close()
            self._here = None
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await super().close()
        self._writers.close()


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict):
    return ImmediateSqliteClient
