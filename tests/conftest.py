"""Test set-up: one fresh database per run (SQLite, or PostgreSQL with JUARA_TEST_BACKEND=postgres),
migrated with the committed migrations, emptied of everything but reference data before each test."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from service.config import Settings, get_settings, override_settings

BACKEND = os.environ.get("JUARA_TEST_BACKEND", "sqlite")
REQUIRE_POSTGRES = os.environ.get("JUARA_REQUIRE_POSTGRES") == "1"

# Tables holding data that tests create, children first.
MUTABLE_TABLES = [
    "achievement_stat_daily", "achievement_stat_institution", "achievement_stat_yearly",
    "duplicate_hint", "import_batch", "import_job",
    "achievement_person", "evidence", "quote_request", "press_release_revision", "press_release", "achievement",
    "person",
    "auth_token", "login_throttle", "audit_event", "app_user", "institution",
]


def pytest_report_header(config):
    return f"juara database backend: {BACKEND}"


async def _create_pg_database(base_url: str) -> tuple[str, str]:
    import asyncpg

    parsed = urlparse(base_url)
    name = f"juara_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(
        host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
        user=parsed.username or "postgres", password=parsed.password or None,
        database=parsed.path.strip("/") or "postgres", timeout=5,
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunparse(parsed._replace(path=f"/{name}")), name


async def _drop_pg_database(base_url: str, name: str) -> None:
    import asyncpg

    parsed = urlparse(base_url)
    conn = await asyncpg.connect(
        host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
        user=parsed.username or "postgres", password=parsed.password or None,
        database=parsed.path.strip("/") or "postgres", timeout=5,
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return Path(tempfile.mkdtemp(prefix="juara-test-"))


@pytest.fixture(scope="session")
async def database_url(tmp_root: Path) -> AsyncIterator[str]:
    """A fresh, migrated database for the whole run; dropped at the end."""
    from service.db import close_db, run_migrations

    dropped: tuple[str, str] | None = None
    if BACKEND == "postgres":
        base = os.environ.get("TEST_DATABASE_URL", "")
        if not base:
            if REQUIRE_POSTGRES:
                pytest.exit("JUARA_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", returncode=3)
            pytest.skip("TEST_DATABASE_URL not set")
        try:
            url, name = await _create_pg_database(base)
        except Exception as exc:  # noqa: BLE001 - any failure to reach PG
            if REQUIRE_POSTGRES:
                pytest.exit(f"PostgreSQL required but unreachable at {base}: {exc}", returncode=3)
            pytest.skip(f"PostgreSQL unreachable: {exc}")
        dropped = (base, name)
    else:
        url = f"sqlite://{tmp_root / 'juara-test.sqlite3'}"
    base_settings = get_settings()
    override_settings(Settings(
        database_url=url,
        evidence_dir=tmp_root / "evidence",
        import_dir=tmp_root / "imports",
        nik_key_file=tmp_root / "nik.key",
        login_max_failures=base_settings.login_max_failures,
    ))
    await run_migrations(url)
    yield url
    await close_db()
    if dropped:
        await _drop_pg_database(*dropped)


async def _empty_tables() -> None:
    from service.db import dialect, execute
    from service.enums import DEFAULT_LEVEL_BASE, DEFAULT_RANK_FACTOR
    from service.models import Category, PointsLevel, PointsRank
    from service.reference import DEFAULT_CATEGORIES

    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of these tables costs about half a second per test,
    # the DELETEs of a test's few rows a few milliseconds. ON DELETE RESTRICT is checked row by row,
    # so the institution hierarchy is flattened first.
    await execute("UPDATE institution SET parent_id = NULL")
    for table in MUTABLE_TABLES:
        await execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    if dialect() == "postgres":
        # Restart the id sequences of the emptied tables, as TRUNCATE … RESTART IDENTITY did.
        await execute(
            "SELECT setval(s.oid, 1, false) FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND t.relname = ANY(?)",
            [MUTABLE_TABLES],
        )
    default_slugs = {slug for slug, _, _ in DEFAULT_CATEGORIES} | {
        c for _, _, children in DEFAULT_CATEGORIES for c, _ in children
    }
    await Category.exclude(slug__in=default_slugs).filter(parent_id__isnull=False).delete()
    await Category.exclude(slug__in=default_slugs).delete()
    # A test may change or delete points rows: the defaults are put back, missing rows recreated.
    for level, base in DEFAULT_LEVEL_BASE.items():
        await PointsLevel.update_or_create(defaults={"base": base}, level=level)
    for rank, factor in DEFAULT_RANK_FACTOR.items():
        await PointsRank.update_or_create(defaults={"factor": factor}, rank=rank)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """The test database, holding reference data only."""
    from service.imports import jobs

    await jobs.wait_idle()  # no import job of an earlier test still writing
    await _empty_tables()
    yield database_url


@pytest.fixture
async def client(db: str):
    import httpx

    from web.app import create_app

    app = create_app(manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


from tests.factories import *  # noqa: E402,F401,F403 - fixtures shared by every test module
