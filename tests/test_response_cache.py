"""The anonymous response cache: repeated public queries come from memory, and never outlive a change."""

from __future__ import annotations

import httpx

from service.enums import AchievementStatus, Role
from service.models import Achievement
from tests.factories import make_achievement, make_institution, make_user
from web.response_cache import PublicResponseCache

LIST = "{ achievements(first: 10) { edges { node { title status } } } }"


def _app_and_cache():
    from web.app import create_app

    app = create_app(manage_database=False)
    for route in app.routes:
        if getattr(route, "path", None) == "/graphql":
            guard = route.app
            while not isinstance(guard, PublicResponseCache):
                guard = guard.app
            return app, guard
    raise AssertionError("no /graphql route")


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _titles(response: httpx.Response) -> list[str]:
    body = response.json()
    assert "errors" not in body, body
    return [e["node"]["title"] for e in body["data"]["achievements"]["edges"]]


async def test_a_repeated_anonymous_query_is_answered_from_the_cache(db):
    school = await make_institution()
    await make_achievement(school, title="Juara 1 Lomba Pidato")
    app, cache = _app_and_cache()
    async with _client(app) as client:
        first = await client.post("/graphql", json={"query": LIST})
        second = await client.post("/graphql", json={"query": LIST})
    assert _titles(first) == _titles(second) == ["Juara 1 Lomba Pidato"]
    assert (cache.misses, cache.hits) == (1, 1)
    assert second.headers["content-type"].startswith("application/json")


async def test_a_write_through_another_worker_is_seen_at_once(db):
    # Two apps stand for two worker processes: each has its own cache and its own change stamp.
    school = await make_institution()
    await make_achievement(school, title="Juara 1 Lomba Pidato")
    app, cache = _app_and_cache()
    other_app, _ = _app_and_cache()
    admin = await make_user(Role.ADMIN)
    categories = {"query": "{ categories { name } }"}
    async with _client(app) as client, _client(other_app) as other:
        before = (await client.post("/graphql", json=categories)).json()["data"]["categories"]
        assert _titles(await client.post("/graphql", json={"query": LIST})) == ["Juara 1 Lomba Pidato"]
        created = await other.post("/graphql", headers=admin.headers, json={
            "query": 'mutation { createCategory(input: {name: "Robotika Pelajar"}) { errors { code } } }',
        })
        assert created.json()["data"]["createCategory"]["errors"] == []
        after = (await client.post("/graphql", json=categories)).json()["data"]["categories"]
        # A direct write, as another worker would commit it.
        await Achievement.filter(title="Juara 1 Lomba Pidato").update(title="Juara 1 Lomba Pidato Bahasa Jawa")
        renamed = await client.post("/graphql", json={"query": LIST})
    assert {"name": "Robotika Pelajar"} in after and {"name": "Robotika Pelajar"} not in before
    assert _titles(renamed) == ["Juara 1 Lomba Pidato Bahasa Jawa"]
    assert cache.hits == 0


async def test_a_newly_verified_achievement_appears_for_anonymous_callers(db):
    school = await make_institution()
    app, _ = _app_and_cache()
    async with _client(app) as client:
        assert _titles(await client.post("/graphql", json={"query": LIST})) == []
        await make_achievement(school, title="Juara 2 Olimpiade Sains", status=AchievementStatus.VERIFIED)
        assert _titles(await client.post("/graphql", json={"query": LIST})) == ["Juara 2 Olimpiade Sains"]


async def test_callers_with_credentials_and_mutations_bypass_the_cache(db):
    school = await make_institution()
    await make_achievement(school, title="Draf Lomba Cerdas Cermat", status=AchievementStatus.DRAFT)
    admin = await make_user(Role.ADMIN)
    app, cache = _app_and_cache()
    async with _client(app) as client:
        anonymous = await client.post("/graphql", json={"query": LIST})
        staff = await client.post("/graphql", json={"query": LIST}, headers=admin.headers)
        staff_again = await client.post("/graphql", json={"query": LIST}, headers=admin.headers)
        for _ in range(2):
            await client.post("/graphql", json={
                "query": "mutation { login(username: \"nobody\", password: \"salah-sekali\") { token } }",
            })
    assert _titles(anonymous) == []
    assert _titles(staff) == _titles(staff_again) == ["Draf Lomba Cerdas Cermat"]
    assert (cache.misses, cache.hits) == (1, 0)


async def test_errors_are_not_cached(db):
    app, cache = _app_and_cache()
    async with _client(app) as client:
        for _ in range(2):
            body = (await client.post("/graphql", json={"query": "{ achievements(first: 1000) { totalCount } }"})).json()
            assert body["errors"]
    assert cache.hits == 0


async def test_every_table_an_anonymous_caller_reads_moves_the_change_stamp(db):
    from tortoise import Tortoise, connections

    from service.change_stamp import UNWATCHED_TABLES, ChangeStamp
    from service.db import dialect

    stamp = ChangeStamp()
    before = await stamp.read()
    await make_institution(name="SD Negeri 1 Bojongsari")
    assert await stamp.read() != before
    if dialect() == "postgres":
        tables = {m._meta.db_table for app in Tortoise.apps.values() for m in app.values()} - UNWATCHED_TABLES
        from service.change_stamp import PRIVATE_TABLES

        _, rows = await connections.get("default").execute_query(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'change_stamp_public_update'"
        )
        assert tables - PRIVATE_TABLES <= {r["relname"] for r in rows}


async def test_the_cache_keeps_to_its_byte_budget(db):
    """Many distinct answers never hold more than JUARA_RESPONSE_CACHE_BYTES; the newest stay."""
    school = await make_institution()
    await make_achievement(school, title="Juara 1 Lomba Pidato " + "x" * 250)
    app, cache = _app_and_cache()
    cache.max_bytes = 20_000
    async with _client(app) as client:
        for i in range(60):
            # Distinct requests (the alias differs), each answer about 500 bytes.
            q = "{ a" + str(i) + ": achievements(first: 10) { edges { node { title status } } } }"
            resp = await client.post("/graphql", json={"query": q})
            assert resp.status_code == 200
            assert cache.bytes <= cache.max_bytes
        assert 0 < len(cache._entries) < 60
        before = cache.hits
        await client.post("/graphql", json={"query": "{ a59: achievements(first: 10) { edges { node { title status } } } }"})
        assert cache.hits == before + 1
