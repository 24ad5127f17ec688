"""Database connection settings: the PostgreSQL pool from settings, SQLite WAL, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import dataclasses

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
