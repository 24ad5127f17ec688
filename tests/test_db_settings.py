"""Database connection settings: the PostgreSQL pool from settings, SQLite WAL, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import contextlib
import dataclasses

import pytest

from service import db as dbmod
from service.config import get_settings


def test_postgres_pool_sized_by_settings():
    settings = dataclasses.replace(get_settings(), pg_pool_min=3, pg_pool_max=17)
    config = dbmod.connection_config("postgres://juara@127.0.0.1:5432/juara", settings)
    assert config["credentials"]["minsize"] == 3 and config["credentials"]["maxsize"] == 17


def test_sqlite_uses_wal_busy_timeout_and_immediate_transactions(tmp_path):
    settings = dataclasses.replace(get_settings(), sqlite_busy_timeout_ms=4321)
    config = dbmod.connection_config(f"sqlite://{tmp_path / 'x.sqlite3'}", settings)
    assert config["engine"] == "service.sqlite_backend"
    assert config["credentials"]["journal_mode"] == "WAL"
    assert config["credentials"]["busy_timeout"] == 4321


async def test_sqlite_write_transaction_takes_the_lock_at_begin(tmp_path):
    import sqlite3

    from service.sqlite_backend import ImmediateSqliteClient, ImmediateTransactionWrapper

    path = tmp_path / "lock.sqlite3"
    client = ImmediateSqliteClient(file_path=str(path), connection_name="lock-test", journal_mode="WAL",
                                   busy_timeout=0)
    await client.create_connection(with_db=True)
    try:
        await client.execute_script("CREATE TABLE t (x INTEGER)")
        transaction = ImmediateTransactionWrapper(client)
        await transaction.begin()
        try:
            # Another connection cannot write now, although this transaction has not written yet.
            other = sqlite3.connect(path, timeout=0)
            try:
                other.execute("INSERT INTO t VALUES (1)")
                other.commit()
                raise AssertionError("the write lock was not taken at BEGIN")
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
            finally:
                other.close()
        finally:
            await transaction.rollback()
    finally:
        await client.close()


async def test_sqlite_writer_turn_passes_between_holders_and_returns_however_a_transaction_ends(db, tmp_path):
    """Two holders of the writer turn on one database file (as two server processes are): the second waits
    while the first holds it and gets it within milliseconds of its release; a transaction gives the turn
    back whether it commits, fails or rolls back."""
    import asyncio
    import fcntl
    import os
    import time

    from service import sqlite_backend

    database = str(tmp_path / "turn.sqlite3")
    first, second = sqlite_backend.WriterTurn(database, 5000), sqlite_backend.WriterTurn(database, 5000)
    await first.acquire()
    waiting = asyncio.create_task(second.acquire())
    await asyncio.sleep(0.05)
    assert not waiting.done()
    released = time.monotonic()
    first.release()
    await asyncio.wait_for(waiting, 1)
    assert time.monotonic() - released < 0.05
    second.close()
    first.close()

    async with _own_sqlite(database) as client:
        probe = os.open(database + "-writer.lock", os.O_RDWR | os.O_CREAT)

        def free() -> bool:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(probe, fcntl.LOCK_UN)
            return True

        async with client._in_transaction() as conn:
            await conn.execute_query("SELECT 1")
            assert not free()
        assert free()
        try:
            async with client._in_transaction() as conn:
                await conn.execute_query("SELECT 1")
                raise RuntimeError("leaves the transaction")
        except RuntimeError:
            pass
        assert free()
        os.close(probe)


async def test_sqlite_reads_outside_a_transaction_do_not_wait_for_it(db, tmp_path):
    """While one task holds a write transaction open, a SELECT of another task is answered at once from the
    last committed state; after the commit it sees the write; the read connection refuses writes."""
    import asyncio

    database = str(tmp_path / "reads.sqlite3")
    async with _own_sqlite(database) as conn:
        await conn.execute_script("CREATE TABLE t (x INTEGER)")
        hold, written = asyncio.Event(), asyncio.Event()

        async def writer():
            async with conn._in_transaction() as tx:
                await tx.execute_query("INSERT INTO t (x) VALUES (1)")
                written.set()
                await hold.wait()

        task = asyncio.create_task(writer())
        await written.wait()
        _, rows = await asyncio.wait_for(conn.execute_query("SELECT COUNT(*) FROM t"), 1)
        assert rows[0][0] == 0
        hold.set()
        await task
        _, rows = await conn.execute_query("SELECT COUNT(*) FROM t")
        assert rows[0][0] == 1
        reader = await conn._read_connection()
        with pytest.raises(Exception, match="readonly|read-only|attempt to write"):
            await reader.execute("INSERT INTO t (x) VALUES (2)")


async def test_a_quick_sqlite_read_is_answered_on_the_loops_thread_and_a_long_one_moves_to_the_readers(db, tmp_path):
    """A SELECT within its budget never goes to the reader's thread; one that outruns it is interrupted on
    the loop's thread and answered in full on the reader's, while the loop goes on; the loop's connection
    refuses writes too."""
    import asyncio
    import sqlite3

    from service import sqlite_backend

    async with _own_sqlite(str(tmp_path / "here.sqlite3")) as conn:
        await conn.execute_script("CREATE TABLE t (x INTEGER)")
        await conn.execute_query("INSERT INTO t (x) VALUES (1), (2), (3)")
        reader = await conn._read_connection()
        trips = []
        execute = reader._execute

        async def counted(fn, *args):
            trips.append(args[1] if len(args) > 1 else None)
            return await execute(fn, *args)

        reader._execute = counted
        _, rows = await conn.execute_query("SELECT SUM(x) FROM t")
        assert rows[0][0] == 6 and trips == []
        assert await conn.execute_query_dict("SELECT x FROM t ORDER BY x") == [{"x": 1}, {"x": 2}, {"x": 3}]
        assert trips == [] and conn.reads_moved == 0
        # A count to five million takes far longer than the budget: it moves, and its answer is whole.
        long_read = "SELECT COUNT(*), SUM(v) FROM (WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 " \
            "FROM n WHERE v < 5000000) SELECT v FROM n)"
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        beat = asyncio.create_task(ticker())
        _, rows = await conn.execute_query(long_read)
        beat.cancel()
        assert tuple(rows[0]) == (5000000, 5000000 * 5000001 // 2)
        assert trips == [long_read] and conn.reads_moved == 1
        assert ticks > 1  # the loop ran other tasks while the reader's thread counted
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|attempt to write"):
            conn._here.execute("INSERT INTO t (x) VALUES (4)")
        assert sqlite_backend.INLINE_READ_SECONDS < 0.01


@contextlib.asynccontextmanager
async def _own_sqlite(database: str):
    """A client of the project's SQLite engine on a file of its own, beside the test database (whose
    connections' registry its transactions use)."""
    from service.sqlite_backend import ImmediateSqliteClient

    client = ImmediateSqliteClient(file_path=database, connection_name="own-sqlite", journal_mode="WAL",
                                   busy_timeout=5000)
    await client.create_connection(with_db=True)
    try:
        yield client
    finally:
        await client.close()


async def test_an_index_added_to_an_analysed_sqlite_database_gets_its_statistics(db, tmp_path):
    if dbmod.dialect() != "sqlite":
        assert await dbmod.refresh_sqlite_statistics() == []  # PostgreSQL: nothing to do
        return
    async with _own_sqlite(str(tmp_path / "stats.sqlite3")) as conn:
        await conn.execute_script("CREATE TABLE t (a INTEGER, b INTEGER); CREATE INDEX t_a ON t (a)")
        await conn.execute_script("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 500) "
                                  "INSERT INTO t (a, b) SELECT v, v % 7 FROM n")
        assert await dbmod.refresh_sqlite_statistics(conn) == []  # never analysed: left to the defaults
        await conn.execute_script("ANALYZE")
        await conn.execute_script("CREATE INDEX t_b ON t (b)")  # what a later migration adds
        assert await dbmod.refresh_sqlite_statistics(conn) == ["t_b"]
        _, rows = await conn.execute_query("SELECT stat FROM sqlite_stat1 WHERE idx = 't_b'")
        assert rows and str(tuple(rows[0])[0]).startswith("500 ")
        assert await dbmod.refresh_sqlite_statistics(conn) == []  # every index has its row now
