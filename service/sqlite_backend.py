"""The SQLite engine: write transactions start with BEGIN IMMEDIATE, retried while another process writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

log = logging.getLogger("juara.db")

# busy_timeout already waits inside SQLite; these rounds cover a writer that holds the lock longer.
BEGIN_ATTEMPTS = 5


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
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


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self):
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict):
    return ImmediateSqliteClient
