"""The change stamps: cheap values that move whenever committed data may have changed.

Two counters in the `change_stamp` table, each moved inside the writing transaction itself (so a stamp is
visible exactly when the data it covers is, in every worker and process):

- the *public* stamp (id 2) moves only when what an anonymous caller or the public stats can see changes:
  a verification made or withdrawn (a row of `achievement` or of the aggregate tables whose status is or
  was VERIFIED, the persons and evidence of such an achievement), a release published or taken down (a
  `press_release` row whose status is or was PUBLISHED), reference data (regions, categories, institutions,
  points tables, accounts), a person's name or consent. A contributor's draft or submission, an import
  batch and its duplicate hints, a login, an audit line or a release revision leave it alone. The response
  cache for anonymous callers and the in-memory public stats are keyed by it.
- the *full* stamp moves with any committed write: the stats of other statuses (a verifier's SUBMITTED
  counts) are kept in memory under it. PostgreSQL: the WAL position (`pg_current_wal_lsn()`, which every
  commit moves; no trigger on the write path, so an import's rows queue no trigger events); SQLite:
  `PRAGMA data_version`, which moves whenever another connection commits.

- the *year stamps* (id YEAR_STAMP_BASE + year) move when a VERIFIED yearly aggregate cell of that year
  changes, so that after a verification the in-memory public stats reload the cells of its year only
  (service/stats/memory.py). Row YEAR_STAMPS_INSTALLED says they are maintained.

The conditions are triggers installed by `juara migrate` (idempotent), so every path — the domain actions,
the bulk seeder, an aggregate rebuild, an SQL console — moves the stamps alike. A table without a rule of
its own moves the public stamp on every write: a new table is public until said otherwise.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise import connections

FULL, PUBLIC = 1, 2
YEAR_STAMPS_INSTALLED = 3
YEAR_STAMP_BASE = 100_000  # the year stamp of 2026 is row 102026
_YEARLY = "achievement_stat_yearly"

# Tables an anonymous caller never reads; writing them (a login, an audit line, an import's progress) moves
# neither stamp.
UNWATCHED_TABLES = {"auth_token", "login_throttle", "audit_event", "tortoise_migrations", "change_stamp",
                    "import_job"}
# Written by contributors and staff only for themselves: the full stamp moves, the public one does not.
PRIVATE_TABLES = {"import_batch", "duplicate_hint", "press_release_revision"}
# Public only in the rows whose column holds the value (before or after the write).
PUBLIC_WHEN = {
    "achievement": ("status", "VERIFIED"),
    "achievement_stat_daily": ("status", "VERIFIED"),
    "achievement_stat_institution": ("status", "VERIFIED"),
    "achievement_stat_yearly": ("status", "VERIFIED"),
    "press_release": ("status", "PUBLISHED"),
}
# Public only while the achievement they belong to is VERIFIED (checked at commit on PostgreSQL).
PUBLIC_WITH_ACHIEVEMENT = {"achievement_person", "evidence"}
# A new row is seen by nobody until it is linked (a person appears in a verified achievement's link);
# a changed name or consent is public at once.
PUBLIC_ON_CHANGE = {"person"}

CREATE_TABLE = [
    "CREATE TABLE IF NOT EXISTS change_stamp (id INT PRIMARY KEY, n BIGINT NOT NULL)",
    "INSERT INTO change_stamp (id, n) VALUES (1, 0), (2, 0) ON CONFLICT (id) DO NOTHING",
]

_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION change_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Once per transaction and stamp, at commit (the triggers are deferred): the row lock is held only at the end.
  IF current_setting('juara.change_stamp_' || TG_ARGV[0], true) IS DISTINCT FROM txid_current()::text THEN
    UPDATE change_stamp SET n = n + 1 WHERE id = TG_ARGV[0]::int;
    PERFORM set_config('juara.change_stamp_' || TG_ARGV[0], txid_current()::text, true);
  END IF;
  RETURN NULL;
END $$
"""

def _conditions(table: str) -> dict[str, str | None] | None:
    """Per operation, the SQL condition under which a write to `table` moves the public stamp (None: always)."""
    if table in UNWATCHED_TABLES or table in PRIVATE_TABLES:
        return {}
    if table in PUBLIC_WHEN:
        column, value = PUBLIC_WHEN[table]
        return {"INSERT": f"NEW.{column} = '{value}'",
                "UPDATE": f"OLD.{column} = '{value}' OR NEW.{column} = '{value}'",
                "DELETE": f"OLD.{column} = '{value}'"}
    if table in PUBLIC_WITH_ACHIEVEMENT:
        verified = "EXISTS (SELECT 1 FROM achievement a WHERE a.id = {}.achievement_id AND a.status = 'VERIFIED')"
        return {"INSERT": verified.format("NEW"), "UPDATE": f"{verified.format('OLD')} OR {verified.format('NEW')}",
                "DELETE": verified.format("OLD")}
    if table in PUBLIC_ON_CHANGE:
        return {"UPDATE": None, "DELETE": None}
    return {"INSERT": None, "UPDATE": None, "DELETE": None}


async def install_change_stamp(conn: Any, tables: list[str]) -> None:
    """The stamps' table and triggers (idempotent; run by `juara migrate`, after migration 0009), and one
    move of the public stamp: what was cached before a migration is not served after it."""
    for statement in CREATE_TABLE:
        await conn.execute_script(statement)
    if conn.capabilities.dialect == "postgres":
        await _install_postgres(conn, tables)
        await _install_year_stamps_postgres(conn)
    else:
        await _install_sqlite(conn, tables)
        await _install_year_stamps_sqlite(conn)
    # Whatever year stamps exist move too: cells written while their triggers were missing are reloaded.
    await conn.execute_script(f"UPDATE change_stamp SET n = n + 1 WHERE id = 2 OR id > {YEAR_STAMP_BASE}")
    await conn.execute_script(f"INSERT INTO change_stamp (id, n) VALUES ({YEAR_STAMPS_INSTALLED}, 1) "
                              "ON CONFLICT (id) DO NOTHING")


async def remove_change_stamp_triggers(conn: Any) -> None:
    """Every trigger of the stamps (before migrating; `install_change_stamp` puts them back)."""
    if conn.capabilities.dialect == "postgres":
        _, rows = await conn.execute_query(
            "SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE 'change\\_stamp\\_%'")
        script = [f'DROP TRIGGER IF EXISTS "{r["name"]}" ON "{r["tbl"]}"' for r in rows]
    else:
        _, rows = await conn.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'change\\_stamp\\_%' ESCAPE '\\'")
        script = [f'DROP TRIGGER IF EXISTS "{r["name"]}"' for r in rows]
    if script:
        await conn.execute_script(";".join(script))


_LINKED_STATEMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION change_stamp_bump_linked_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One call per statement over its transition table: an import's thousands of draft links cost one query.
  IF current_setting('juara.change_stamp_2', true) IS DISTINCT FROM txid_current()::text
     AND EXISTS (SELECT 1 FROM changed_rows c JOIN achievement a ON a.id = c.achievement_id
                 WHERE a.status = 'VERIFIED') THEN
    UPDATE change_stamp SET n = n + 1 WHERE id = 2;
    PERFORM set_config('juara.change_stamp_2', txid_current()::text, true);
  END IF;
  RETURN NULL;
END $$
"""


async def _install_postgres(conn: Any, tables: list[str]) -> None:
    await conn.execute_script(_BUMP_FUNCTION)
    await conn.execute_script(_TRUNCATE_FUNCTION)
    await conn.execute_script(_LINKED_STATEMENT_FUNCTION)
    await conn.execute_script("DROP FUNCTION IF EXISTS change_stamp_bump_linked() CASCADE")
    for table in sorted(set(tables) - UNWATCHED_TABLES):
        # The full stamp is the WAL position (below): the per-row triggers of earlier versions go.
        script = [f'DROP TRIGGER IF EXISTS change_stamp_row ON "{table}"',
                  f'DROP TRIGGER IF EXISTS change_stamp_truncate ON "{table}"']
        conditions = _conditions(table) or {}
        if conditions:
            script.append(f'CREATE TRIGGER change_stamp_truncate AFTER TRUNCATE ON "{table}" '
                          "FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump_truncate('2')")
        for op in ("INSERT", "UPDATE", "DELETE"):
            name = f"change_stamp_public_{op.lower()}"
            script.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            if op not in conditions:
                continue
            if table in PUBLIC_WITH_ACHIEVEMENT:
                # A subquery cannot sit in a WHEN: a statement trigger reads the changed rows instead. It
                # cannot be deferred; it moves the stamp at once, only when a verified achievement is touched.
                changed = "OLD" if op == "DELETE" else "NEW"
                script.append(f'CREATE TRIGGER {name} AFTER {op} ON "{table}" REFERENCING {changed} TABLE AS '
                              "changed_rows FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump_linked_rows()")
                continue
            condition = conditions[op]
            when = f" WHEN ({condition})" if condition else ""
            script.append(f'CREATE CONSTRAINT TRIGGER {name} AFTER {op} ON "{table}" DEFERRABLE INITIALLY DEFERRED '
                          f"FOR EACH ROW{when} EXECUTE FUNCTION change_stamp_bump('2')")
        await conn.execute_script(";".join(script))


_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION change_stamp_bump_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_stamp SET n = n + 1 WHERE id = ANY (TG_ARGV::int[]);
  RETURN NULL;
END $$
"""


async def _install_sqlite(conn: Any, tables: list[str]) -> None:
    script = []
    for table in sorted(set(tables) - UNWATCHED_TABLES):
        conditions = _conditions(table) or {}
        for op in ("INSERT", "UPDATE", "DELETE"):
            name = f"change_stamp_public_{op.lower()}_{table}"
            script.append(f'DROP TRIGGER IF EXISTS "{name}"')
            if op not in conditions:
                continue
            when = f" WHEN {conditions[op]}" if conditions[op] else ""
            script.append(f'CREATE TRIGGER "{name}" AFTER {op} ON "{table}" FOR EACH ROW{when} '
                          "BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 2; END")
    await conn.execute_script(";\n".join(script) + ";")


_YEAR_FUNCTION = f"""
CREATE OR REPLACE FUNCTION change_stamp_bump_year() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  y int;
BEGIN
  FOREACH y IN ARRAY (CASE TG_OP
      WHEN 'INSERT' THEN ARRAY[NEW.year]
      WHEN 'DELETE' THEN ARRAY[OLD.year]
      ELSE ARRAY(SELECT DISTINCT v FROM unnest(ARRAY[
        CASE WHEN OLD.status = 'VERIFIED' THEN OLD.year END,
        CASE WHEN NEW.status = 'VERIFIED' THEN NEW.year END]) v WHERE v IS NOT NULL) END) LOOP
    -- Once per transaction and year, at commit (deferred), as the public stamp.
    IF current_setting('juara.change_stamp_year_' || y, true) IS DISTINCT FROM txid_current()::text THEN
      INSERT INTO change_stamp (id, n) VALUES ({YEAR_STAMP_BASE} + y, 1)
        ON CONFLICT (id) DO UPDATE SET n = change_stamp.n + 1;
      PERFORM set_config('juara.change_stamp_year_' || y, txid_current()::text, true);
    END IF;
  END LOOP;
  RETURN NULL;
END $$
"""

_YEAR_TRUNCATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION change_stamp_bump_years() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_stamp SET n = n + 1 WHERE id > {YEAR_STAMP_BASE};
  RETURN NULL;
END $$
"""


async def _install_year_stamps_postgres(conn: Any) -> None:
    await conn.execute_script(_YEAR_FUNCTION)
    await conn.execute_script(_YEAR_TRUNCATE_FUNCTION)
    conditions = _conditions(_YEARLY) or {}
    script = [f'DROP TRIGGER IF EXISTS change_stamp_year_truncate ON "{_YEARLY}"',
              f'CREATE TRIGGER change_stamp_year_truncate AFTER TRUNCATE ON "{_YEARLY}" '
              "FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump_years()"]
    for op in ("INSERT", "UPDATE", "DELETE"):
        name = f"change_stamp_year_{op.lower()}"
        script += [f'DROP TRIGGER IF EXISTS {name} ON "{_YEARLY}"',
                   f'CREATE CONSTRAINT TRIGGER {name} AFTER {op} ON "{_YEARLY}" DEFERRABLE INITIALLY DEFERRED '
                   f"FOR EACH ROW WHEN ({conditions[op]}) EXECUTE FUNCTION change_stamp_bump_year()"]
    await conn.execute_script(";".join(script))


async def _install_year_stamps_sqlite(conn: Any) -> None:
    conditions = _conditions(_YEARLY) or {}
    bump = ("INSERT INTO change_stamp (id, n) SELECT {base} + {row}.year, 1 WHERE {row}.status = 'VERIFIED' "
            "ON CONFLICT (id) DO UPDATE SET n = n + 1;")
    rows = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}
    script = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        name = f"change_stamp_year_{op.lower()}_{_YEARLY}"
        body = " ".join(bump.format(base=YEAR_STAMP_BASE, row=row) for row in rows[op])
        script += [f'DROP TRIGGER IF EXISTS "{name}"',
                   f'CREATE TRIGGER "{name}" AFTER {op} ON "{_YEARLY}" FOR EACH ROW WHEN {conditions[op]} '
                   f"BEGIN {body} END"]
    await conn.execute_script(";\n".join(script) + ";")


async def read_year_stamps(conn: Any = None) -> dict[int, int] | None:
    """The year stamps of the VERIFIED yearly cells, {year: n}; None where they are not maintained (a
    database not migrated by this version): then nothing may be concluded from them."""
    conn = conn or connections.get("default")
    _, rows = await conn.execute_query(
        f"SELECT id, n FROM change_stamp WHERE id = {YEAR_STAMPS_INSTALLED} OR id > {YEAR_STAMP_BASE}")
    stamps = {int(r[0]): int(r[1]) for r in rows}
    if stamps.pop(YEAR_STAMPS_INSTALLED, None) is None:
        return None
    return {key - YEAR_STAMP_BASE: n for key, n in stamps.items()}


class ChangeStamp:
    """Reads a stamp; read before the response is computed, so a cached answer is never older than its stamp.

    `read()` the public stamp, `read(public=False)` the full one. PostgreSQL: the counter row, one indexed
    read. SQLite: a connection of our own (`PRAGMA data_version` for the full stamp; the public counter
    row re-read only when that moved, so an unchanged database costs one pragma).
    """

    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._version: Any = None
        self._public: Any = None

    async def read(self, public: bool = True) -> Any:
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            if not public:
                _, rows = await conn.execute_query("SELECT pg_current_wal_lsn()::text AS n")
                return rows[0]["n"]
            _, rows = await conn.execute_query("SELECT n FROM change_stamp WHERE id = 2")
            return rows[0]["n"] if rows else None
        if self._sqlite is None:
            path = conn.filename
            if path == ":memory:":
                return None  # nothing another connection could change, and nothing to watch
            self._sqlite = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        version = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
        if not public:
            return version
        if version != self._version or self._public is None:
            row = self._sqlite.execute("SELECT n FROM change_stamp WHERE id = 2").fetchone()
            self._version, self._public = version, (row[0] if row else None)
        return self._public
