"""The SQLite engine: write transactions start with BEGIN IMMEDIATE, retried while another process writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import TYPE_CHECKING

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.exceptions import TransactionManagementError

log = logging.getLogger("juara.db")

# busy_timeout already waits inside SQLite; these rounds cover a writer that holds the lock longer.
BEGIN_ATTEMPTS = 5


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

    def _in_transaction(self):
        from tortoise.backends.base.client import NestedTransactionContext

        return NestedTransactionContext(ImmediateTransactionWrapper(self))

    async def begin(self) -> None:
        await self._connection.commit()
        for attempt in range(1, BEGIN_ATTEMPTS + 1):
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise TransactionManagementError(exc) from exc
                if attempt == BEGIN_ATTEMPTS:
                    raise
                log.warning("sqlite write lock busy, retrying", extra={"attempt": attempt})
                await asyncio.sleep(0.05 * attempt)


class ImmediateSqliteClient(_StatementRowCount, SqliteClient):
    def _in_transaction(self):
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict):
    return ImmediateSqliteClient
