"""The change stamp: a cheap value that moves whenever committed data an anonymous caller can read may have changed."""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise import connections

# Tables an anonymous caller never reads; writing them (a login, an audit line) keeps the cache.
UNWATCHED_TABLES = {"auth_token", "login_throttle", "audit_event", "tortoise_migrations", "change_stamp"}

_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION change_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Once per transaction, at commit (the trigger is deferred), so the row lock is held only at the end.
  IF current_setting('juara.change_stamp_xid', true) IS DISTINCT FROM txid_current()::text THEN
    UPDATE change_stamp SET n = n + 1 WHERE id = 1;
    PERFORM set_config('juara.change_stamp_xid', txid_current()::text, true);
  END IF;
  RETURN NULL;
END $$
"""


async def install_change_stamp(conn: Any, tables: list[str]) -> None:
    """PostgreSQL: a counter every committed write to `tables` moves (idempotent; run by `juara migrate`).

    SQLite needs none: `PRAGMA data_version` already tells every connection of any other's commit.
    """
    if conn.capabilities.dialect != "postgres":
        return
    await conn.execute_script(
        "CREATE TABLE IF NOT EXISTS change_stamp (id INT PRIMARY KEY, n BIGINT NOT NULL);"
        "INSERT INTO change_stamp (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;"
    )
    await conn.execute_script(_BUMP_FUNCTION)
    for table in sorted(set(tables) - UNWATCHED_TABLES):
        await conn.execute_script(
            f'DROP TRIGGER IF EXISTS change_stamp_row ON "{table}";'
            f'CREATE CONSTRAINT TRIGGER change_stamp_row AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_stamp_bump();"
            f'DROP TRIGGER IF EXISTS change_stamp_truncate ON "{table}";'
            f'CREATE TRIGGER change_stamp_truncate AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump();"
        )


class ChangeStamp:
    """A cheap value that moves whenever committed contents an anonymous caller can read may have changed.

    Read before the response is computed, so a cached answer is never older than its stamp.
    PostgreSQL: the `change_stamp` counter, moved by deferred triggers in the writing transaction itself
    (visible exactly when the data is). SQLite: `PRAGMA data_version` on a connection of our own, which
    moves whenever another connection (this process's Tortoise connection or another worker's) commits.
    """

    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None

    async def read(self) -> Any:
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            _, rows = await conn.execute_query("SELECT n FROM change_stamp WHERE id = 1")
            return rows[0]["n"] if rows else None
        if self._sqlite is None:
            path = conn.filename
            if path == ":memory:":
                return None  # nothing another connection could change, and nothing to watch
            self._sqlite = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]
