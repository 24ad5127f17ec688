"""Database set-up: Tortoise configuration from DATABASE_URL, init/close, migrations, reference data."""

from __future__ import annotations

import asyncio
import csv
import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlparse

from tortoise import Tortoise, connections
from tortoise.transactions import in_transaction

from service.config import DEFAULT_SQLITE_PATH, Settings, get_settings
from service.enums import AchievementLevel, AchievementRank

log = logging.getLogger("juara.db")

DATA_DIR = Path(__file__).resolve().parent / "data"
MODELS_MODULE = "service.models"
MIGRATIONS_MODULE = "service.migrations"


class DatabaseConfigError(ValueError):
    """DATABASE_URL cannot be understood."""


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "asyncpg"}


def connection_config(url: str, settings: Settings | None = None) -> dict[str, Any]:
    """Translate DATABASE_URL into a Tortoise connection dict (SQLite with WAL and a busy timeout)."""
    settings = settings or get_settings()
    scheme = url.split(":", 1)[0]
    if scheme == "sqlite":
        path = url[len("sqlite://"):]
        if not path:
            path = str(DEFAULT_SQLITE_PATH)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            # BEGIN IMMEDIATE for write transactions: several server processes may share the file.
            "engine": "service.sqlite_backend",
            "credentials": {
                "file_path": path,
                "journal_mode": "WAL",
                "busy_timeout": settings.sqlite_busy_timeout_ms,
                "synchronous": "NORMAL",
                "foreign_keys": "ON",
            },
        }
    if scheme in {"postgres", "postgresql", "asyncpg"}:
        parsed = urlparse(url)
        if not parsed.path.strip("/"):
            raise DatabaseConfigError("DATABASE_URL for PostgreSQL must name a database: postgres://user@host:5432/dbname")
        params = dict(parse_qsl(parsed.query))
        return {
            "engine": "tortoise.backends.asyncpg",
            "credentials": {
                "host": parsed.hostname or "127.0.0.1",
                "port": parsed.port or 5432,
                "user": unquote(parsed.username or "postgres"),
                "password": unquote(parsed.password or ""),
                "database": parsed.path.strip("/"),
                "minsize": int(params.get("minsize", settings.pg_pool_min)),
                "maxsize": int(params.get("maxsize", settings.pg_pool_max)),
                **({} if os.environ.get("JUARA_PG_POOL_RESET") == "1" else
                   {"connection_class": _no_reset_connection_class()}),
            },
        }
    raise DatabaseConfigError(
        f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:///path/file.sqlite3 or postgres://user@host/db"
    )


@functools.cache
def _no_reset_connection_class() -> type:
    """asyncpg's connection without the reset round trip on every release to the pool.

    asyncpg's pool sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` each time a
    connection goes back (every statement outside a transaction acquires and releases one): a second round
    trip per statement. It undoes session state, and this application keeps none: no session-level SET
    (the change stamp's `set_config(…, true)` is transaction-local), no LISTEN, no session advisory locks,
    no WITH HOLD cursors (asyncpg's cursors live inside a transaction). An open transaction is still rolled
    back on release (asyncpg's `_reset` does that whatever the reset query).
    """
    import asyncpg

    class NoResetConnection(asyncpg.Connection):
        def get_reset_query(self) -> str:
            return ""

    return NoResetConnection


def tortoise_config(url: str | None = None, settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    return {
        "connections": {"default": connection_config(url or settings.database_url, settings)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by `tortoise makemigrations` through [tool.tortoise] in pyproject.toml.
TORTOISE_ORM = tortoise_config(f"sqlite://{DEFAULT_SQLITE_PATH}")


async def init_db(url: str | None = None) -> None:
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)


async def close_db() -> None:
    await _close_bulk_client()
    await _close_health_connection()
    try:
        # Through Tortoise, not `connections`: that also drops the global fallback context, so a later
        # init in another event loop (`juara serve` after its start-up check) does not refuse to start.
        await Tortoise.close_connections()
    except RuntimeError:
        # Tortoise was never initialised (e.g. DATABASE_URL was rejected): nothing to close.
        log.debug("close_db: no database was open")


async def run_migrations(url: str | None = None) -> None:
    """Apply the committed migrations, then load reference data (both idempotent)."""
    from tortoise.migrations.api import migrate

    from service.change_stamp import install_change_stamp, remove_change_stamp_triggers

    # A migration that updates rows and then alters their table fails on PostgreSQL while deferred trigger
    # events are pending ("pending trigger events"): the stamp's triggers step aside while migrating and
    # are installed again below (which also moves the public stamp: nothing cached outlives a migration).
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        await remove_change_stamp_triggers(connections.get("default"))
    finally:
        await Tortoise.close_connections()
    await migrate(config=tortoise_config(url))
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    await load_reference_data()

    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    await install_change_stamp(connections.get("default"), tables)
    await refresh_sqlite_statistics()


# SQLite's planner weighs indexes by the statistics of sqlite_stat1. Once a database has been analysed, an
# index added later by a migration has no row there and is guessed at against measured ones: on a 10 000-row
# registry the public page was read through such an index and sorted in a temporary B-tree.
_INDEXES_WITHOUT_STATISTICS = """
SELECT m.name FROM sqlite_master m
WHERE m.type = 'index' AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1)
  AND m.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)
"""


async def refresh_sqlite_statistics(conn: Any = None) -> list[str]:
    """On an analysed SQLite database, ANALYZE again when an index of an analysed table has no statistics;
    the indexes that had none (empty when nothing was done). PostgreSQL's planner needs no row per index."""
    conn = conn or connections.get("default")
    if conn.capabilities.dialect != "sqlite":
        return []
    _, analysed = await conn.execute_query("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if not analysed:
        return []  # never analysed: the planner's defaults apply to every index alike
    _, rows = await conn.execute_query(_INDEXES_WITHOUT_STATISTICS)
    missing = [tuple(r)[0] for r in rows]
    if missing:
        log.info("analysing: indexes without statistics", extra={"indexes": missing})
        await conn.execute_script("ANALYZE")
    return missing


async def analyze() -> None:
    """Table statistics for the query planner, after a bulk load (both databases)."""
    await connections.get("default").execute_script("ANALYZE")


def dialect() -> str:
    return connections.get("default").capabilities.dialect


# SQLite: Tortoise gives a process one connection, shared by every query under a lock, so a long import's
# transaction held every other query of its process (/healthz, the polls of its own progress) until it
# committed. The import writes on a second connection instead; the others keep reading (WAL) meanwhile.
# It is named "default" so that inside the transaction every query of the import goes through it, as before.
_bulk_client: Any = None


def bulk_transaction() -> Any:
    """The transaction of a long bulk write (an import): on SQLite on a connection of its own."""
    global _bulk_client
    default = connections.get("default")
    filename = getattr(default, "filename", None)
    if default.capabilities.dialect != "sqlite" or not filename or filename == ":memory:":
        return in_transaction()
    if _bulk_client is None or _bulk_client.filename != filename:
        from service.sqlite_backend import ImmediateSqliteClient

        _bulk_client = ImmediateSqliteClient(connection_name="default",
                                             **connection_config(f"sqlite://{filename}")["credentials"])
    return _bulk_client._in_transaction()


async def _close_bulk_client() -> None:
    global _bulk_client
    client, _bulk_client = _bulk_client, None
    if client is not None:
        await client.close()


# /healthz on PostgreSQL asks on a connection of its own: under load every pooled connection can be taken by
# the requests in hand, and the probe waited its turn for one although the server would answer at once.
_health_conn: Any = None
_health_of: Any = None  # the pool client whose server the connection asks
_health_lock: asyncio.Lock | None = None
HEALTH_TIMEOUT_SECONDS = 5.0


async def ping() -> None:
    """Whether the database answers a `SELECT 1` (raises otherwise)."""
    global _health_conn, _health_lock, _health_of
    default = connections.get("default")
    if default.capabilities.dialect != "postgres":
        await default.execute_query("SELECT 1")
        return
    if _health_lock is None:
        _health_lock = asyncio.Lock()
    async with _health_lock:
        conn = _health_conn
        try:
            if conn is None or conn.is_closed() or _health_of is not default:
                import asyncpg

                if conn is not None:
                    conn.terminate()
                    conn = _health_conn = None
                _health_of = default
                conn = _health_conn = await asyncpg.connect(
                    host=default.host, port=default.port, user=default.user, password=default.password,
                    database=default.database, timeout=HEALTH_TIMEOUT_SECONDS,
                    server_settings={"application_name": "juara-health"},
                )
            await conn.fetchval("SELECT 1", timeout=HEALTH_TIMEOUT_SECONDS)
        except BaseException:
            _health_conn = None  # opened again by the next probe
            if conn is not None:
                conn.terminate()
            raise


async def _close_health_connection() -> None:
    global _health_conn, _health_lock
    conn, _health_conn, _health_lock = _health_conn, None, None
    if conn is not None and not conn.is_closed():
        try:
            await conn.close(timeout=HEALTH_TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 - closing a connection that already failed
            conn.terminate()


# --- reference data -------------------------------------------------------------------------

def read_wilayah() -> list[dict[str, str]]:
    with open(DATA_DIR / "wilayah_purbalingga.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


async def load_reference_data() -> dict[str, int]:
    """Load kecamatan, desa, the default category tree and points tables; existing rows are kept."""
    from service.enums import DEFAULT_LEVEL_BASE, DEFAULT_RANK_FACTOR
    from service.models import Category, Desa, Kecamatan, PointsLevel, PointsRank
    from service.reference import DEFAULT_CATEGORIES

    created = {"kecamatan": 0, "desa": 0, "category": 0, "points": 0}
    rows = read_wilayah()
    async with in_transaction():
        known_kec = {k.code: k for k in await Kecamatan.all()}
        for row in rows:
            if row["jenis"] == "kecamatan" and row["kode"] not in known_kec:
                known_kec[row["kode"]] = await Kecamatan.create(code=row["kode"], name=row["nama"])
                created["kecamatan"] += 1
        known_desa = set(cast(list[str], await Desa.all().values_list("code", flat=True)))  # Tortoise types values_list(flat=True) as tuples
        new_desa = [
            Desa(
                code=row["kode"],
                name=row["nama"],
                is_kelurahan=row["jenis"] == "kelurahan",
                kecamatan=known_kec[row["kode_kecamatan"]],
            )
            for row in rows
            if row["jenis"] in {"desa", "kelurahan"} and row["kode"] not in known_desa
        ]
        if new_desa:
            await Desa.bulk_create(new_desa)
            created["desa"] = len(new_desa)

        known_cat = {c.slug: c for c in await Category.all()}
        for order, (slug, name, children) in enumerate(DEFAULT_CATEGORIES):
            parent = known_cat.get(slug)
            if parent is None:
                parent = await Category.create(slug=slug, name=name, sort_order=order)
                known_cat[slug] = parent
                created["category"] += 1
            for child_order, (child_slug, child_name) in enumerate(children):
                if child_slug not in known_cat:
                    known_cat[child_slug] = await Category.create(
                        slug=child_slug, name=child_name, parent=parent, sort_order=child_order
                    )
                    created["category"] += 1

        have_levels = set(cast(list[AchievementLevel], await PointsLevel.all().values_list("level", flat=True)))
        for level, base in DEFAULT_LEVEL_BASE.items():
            if level not in have_levels:
                await PointsLevel.create(level=level, base=base)
                created["points"] += 1
        have_ranks = set(cast(list[AchievementRank], await PointsRank.all().values_list("rank", flat=True)))
        for rank, factor in DEFAULT_RANK_FACTOR.items():
            if rank not in have_ranks:
                await PointsRank.create(rank=rank, factor=factor)
                created["points"] += 1
    if any(created.values()):
        log.info("reference data loaded", extra={"rows_created": created})
    return created


def sql(query: str) -> str:
    """Write queries with `?` placeholders; PostgreSQL (asyncpg) wants `$1, $2, …`."""
    if dialect() != "postgres":
        return query
    out, n = [], 0
    for ch in query:
        if ch == "?":
            n += 1
            out.append(f"${n}")
        else:
            out.append(ch)
    return "".join(out)


async def execute(query: str, values: list | None = None, connection: Any = None) -> tuple[int, list[dict]]:
    conn = connection or connections.get("default")
    return await conn.execute_query(sql(query), values or [])


def batches(connection: Any) -> bool:
    """Whether `execute_batch` sends its statements together on this connection (SQLite: one trip to the
    connection's thread) rather than one after the other (PostgreSQL: a round trip each)."""
    return callable(getattr(connection, "execute_batch", None))


async def execute_batch(connection: Any, statements: list[tuple[str, list]]) -> list[list]:
    """Statements (with `?` placeholders) run in order on one connection; the rows of each."""
    statements = [(sql(query), values) for query, values in statements]
    if batches(connection):
        return await connection.execute_batch(statements)
    return [list((await connection.execute_query(query, values))[1]) for query, values in statements]


# SQLite: rows per INSERT statement of a bulk write. One statement per row (executemany) pays, row by row,
# what every statement on a table with triggers pays: a journal of each page it changes, so that the
# statement can be undone alone (for one achievement row, written to a temporary file). A statement of many
# rows pays it once (the achievement table with its indexes and change-stamp triggers: 10 000 rows in
# 0.13-0.18 s instead of 0.47-0.65 s). SQLite binds at most 32 766 values per statement.
ROWS_PER_INSERT = 500
_SQLITE_MAX_VALUES = 30_000


async def insert_rows(connection: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows written in bulk on the caller's connection: PostgreSQL COPY where the driver offers it (inside
    the caller's transaction), else one prepared INSERT for all rows; SQLite a few hundred rows per INSERT,
    every statement sent in one trip to the connection's thread."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if dialect() == "postgres":
        raw = getattr(connection, "_connection", None)
        if raw is not None and hasattr(raw, "copy_records_to_table"):
            await raw.copy_records_to_table(table, records=rows, columns=list(columns))
        else:
            marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
            await connection.execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return
    per = max(1, min(ROWS_PER_INSERT, _SQLITE_MAX_VALUES // len(columns)))
    one = "(" + ", ".join("?" for _ in columns) + ")"
    statements: list[tuple[str, list]] = []
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        statements.append((f'INSERT INTO "{table}" ({names}) VALUES {", ".join([one] * len(part))}',  # noqa: S608 - names from code
                           [value for row in part for value in row]))
    await execute_batch(connection, statements)


async def execute_deferred(connection: Any, statements: list[tuple[str, list]]) -> None:
    """Writes whose results the transaction never reads: on SQLite sent with its COMMIT (one trip to the
    connection's thread for all of them), elsewhere run now, in order."""
    defer = getattr(connection, "defer", None)
    if defer is not None and defer([(sql(query), values) for query, values in statements]):
        return
    await execute_batch(connection, statements)
