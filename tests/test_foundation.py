"""Foundation: migrations, reference data, the app's health check, the minimal schema."""

import os
from dataclasses import replace

import pytest

from service import db as dbmod
from service.config import get_settings, override_settings
from service.models import Category, Desa, Kecamatan, PointsLevel, PointsRank
from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database


async def test_reference_data_counts(db):
    assert await Kecamatan.all().count() == 18
    assert await Desa.filter(is_kelurahan=False).count() == 224
    assert await Desa.filter(is_kelurahan=True).count() == 15
    assert await PointsLevel.all().count() == 7
    assert await PointsRank.all().count() == 11
    roots = await Category.filter(parent_id__isnull=True).count()
    assert roots == 13
    assert await Category.filter(slug="tertib-administrasi-desa", parent__slug="pemerintahan-tata-kelola").exists()


async def test_reference_data_is_idempotent(db):
    before = (await Kecamatan.all().count(), await Desa.all().count(), await Category.all().count())
    created = await dbmod.load_reference_data()
    assert created == {"kecamatan": 0, "desa": 0, "category": 0, "points": 0}
    after = (await Kecamatan.all().count(), await Desa.all().count(), await Category.all().count())
    assert before == after


async def test_kelurahan_only_in_three_kecamatan(db):
    codes = set(await Desa.filter(is_kelurahan=True).values_list("kecamatan__code", flat=True))
    assert codes == {"33.03.05", "33.03.06", "33.03.15"}


async def test_kecamatan_list_in_code_order(gql):
    body = await gql("{ kecamatanList { code name desa { code } } }")
    rows = body["data"]["kecamatanList"]
    assert [r["code"] for r in rows] == [f"33.03.{i:02d}" for i in range(1, 19)]
    assert rows[0]["name"] == "Kemangkon" and len(rows[0]["desa"]) == 19
    assert rows[17]["name"] == "Kertanegara"


async def test_categories_top_level_with_children(gql):
    body = await gql("{ categories { slug name parent { slug } children { slug parent { slug } } } }")
    cats = body["data"]["categories"]
    assert len(cats) == 13
    assert all(c["parent"] is None and len(c["children"]) >= 3 for c in cats)
    gov = next(c for c in cats if c["slug"] == "pemerintahan-tata-kelola")
    assert "tertib-administrasi-desa" in {ch["slug"] for ch in gov["children"]}


async def test_healthz_ok(client):
    resp = await client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


# --- migrations on a brand-new database -----------------------------------------------------

MIGRATION_BACKENDS = ["sqlite"] + (["postgres"] if BACKEND == "postgres" else [])


@pytest.mark.parametrize("backend", MIGRATION_BACKENDS)
async def test_committed_migrations_build_an_empty_database(db, tmp_path, backend):
    """The committed migrations alone (no generate_schemas) build every table and load reference data."""
    from tortoise import Tortoise, connections

    dropped = None
    if backend == "postgres":
        url, name = await _create_pg_database(os.environ["TEST_DATABASE_URL"])
        dropped = (os.environ["TEST_DATABASE_URL"], name)
    else:
        url = f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    try:
        await dbmod.run_migrations(url)
        conn = connections.get("default")
        if backend == "postgres":
            _, rows = await conn.execute_query(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        else:
            _, rows = await conn.execute_query("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {r["name"] for r in rows}
        expected = {m._meta.db_table for app in Tortoise.apps.values() for m in app.values()}
        assert expected <= tables, sorted(expected - tables)
        assert await Kecamatan.all().count() == 18
        assert await Desa.filter(is_kelurahan=False).count() == 224
        assert await Desa.filter(is_kelurahan=True).count() == 15
        # A second run is a no-op.
        await dbmod.run_migrations(url)
        assert await Desa.all().count() == 239
    finally:
        await dbmod.close_db()
        await dbmod.init_db(db)
        if dropped:
            await _drop_pg_database(*dropped)
    assert await Kecamatan.all().count() == 18  # back on the test database


# --- bootstrap administrator ------------------------------------------------------------------

async def test_bootstrap_admin_created_once(db):
    from service.accounts import ensure_bootstrap_admin, login
    from service.enums import Role
    from service.models import User

    before = get_settings()
    override_settings(replace(before, admin_username="kominfo.admin", admin_password="rahasia-awal-2026"))
    try:
        first = await ensure_bootstrap_admin()
        assert first is not None and first.username == "kominfo.admin" and first.role == Role.ADMIN
        assert await ensure_bootstrap_admin() is None
        assert await User.filter(role=Role.ADMIN).count() == 1
        token, user = await login("kominfo.admin", "rahasia-awal-2026")
        assert token and user.id == first.id
    finally:
        override_settings(before)


async def test_bootstrap_admin_needs_both_settings(db):
    from service.accounts import ensure_bootstrap_admin
    from service.models import User

    before = get_settings()
    override_settings(replace(before, admin_username="kominfo.admin", admin_password=None))
    try:
        assert await ensure_bootstrap_admin() is None
        assert not await User.exists()
    finally:
        override_settings(before)


# --- health check -----------------------------------------------------------------------------

async def test_healthz_answers_while_every_pooled_connection_is_taken(client):
    """Under load the requests in hand can hold every pooled connection (PostgreSQL) or the write lock
    (SQLite): the probe still answers at once."""
    import asyncio

    from tortoise import connections

    from service import db

    default = connections.get("default")
    if db.dialect() == "postgres":
        pool = default._pool
        held = [await pool.acquire() for _ in range(pool.get_max_size())]
        try:
            resp = await asyncio.wait_for(client.get("/healthz"), 3)
        finally:
            for conn in held:
                await pool.release(conn)
    else:
        async with db.bulk_transaction() as conn:
            await conn.execute_query("UPDATE kecamatan SET name = name WHERE id = (SELECT MIN(id) FROM kecamatan)")
            resp = await asyncio.wait_for(client.get("/healthz"), 3)
    assert resp.status_code == 200 and resp.json()["status"] == "ok"


async def test_healthz_unhealthy_when_database_unreachable(client):
    from tortoise import connections
    from tortoise.backends.asyncpg import AsyncpgDBClient

    dead = AsyncpgDBClient(
        connection_name="default", host="127.0.0.1", port=1, user="postgres", password="", database="nope",
        minsize=1, maxsize=1,
    )
    token = connections.set("default", dead)
    try:
        resp = await client.get("/healthz")
    finally:
        connections.reset(token)
    assert resp.status_code == 503
    assert resp.json() == {"status": "unhealthy", "database": "unreachable"}
    assert (await client.get("/healthz")).status_code == 200
