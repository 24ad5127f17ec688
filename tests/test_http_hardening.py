"""Hostile HTTP input: GraphQL abuse limits, malformed requests, body size, timeout, masking, request ids."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time

import httpx
import pytest
from starlette.responses import JSONResponse
from starlette.routing import Route

from service.config import get_settings, override_settings
from web.middleware import GuardMiddleware

LEAK_MARKERS = ("Traceback", "SELECT", "sqlite", "asyncpg", "psycopg", "OperationalError", 'File "')


@contextlib.asynccontextmanager
async def app_client(**changes):
    """A client on an app built under changed settings (restored afterwards)."""
    from web.app import create_app

    old = get_settings()
    override_settings(dataclasses.replace(old, **changes))
    try:
        app = create_app(manage_database=False)
    finally:
        override_settings(old)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c, app


def assert_no_leak(text: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{marker!r} leaked: {text[:300]}"


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


# --- GraphQL document limits -----------------------------------------------------------------------

def nested_categories(depth: int) -> str:
    inner = "slug"
    for i in range(depth):
        inner = ("children" if i % 2 else "parent") + " { " + inner + " }"
    return "{ categories { " + inner + " } }"


async def test_depth_within_limit_is_served(client):
    resp = await client.post("/graphql", json={"query": nested_categories(4)})
    assert resp.status_code == 200 and "errors" not in resp.json()


async def test_depth_over_limit_is_refused(client):
    resp = await client.post("/graphql", json={"query": nested_categories(get_settings().max_query_depth + 2)})
    assert resp.status_code == 400
    body = resp.json()
    assert body["data"] is None and "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_depth_counts_fragments(client):
    depth = get_settings().max_query_depth + 2
    fragments, spread = [], "slug"
    for i in range(depth):
        name = f"F{i}"
        field = "children" if i % 2 else "parent"
        fragments.append(f"fragment {name} on Category {{ {field} {{ {spread} }} }}")
        spread = f"...{name}"
    query = "{ categories { " + spread + " } } " + " ".join(fragments)
    resp = await client.post("/graphql", json={"query": query})
    assert resp.status_code == 400
    assert "exceeds maximum operation depth" in resp.json()["errors"][0]["message"]


async def test_circular_fragments_are_an_error_not_a_crash(client):
    query = "query { ...A } fragment A on Query { ...B } fragment B on Query { me { id } ...A }"
    resp = await client.post("/graphql", json={"query": query})
    assert resp.status_code == 400
    body = resp.json()
    assert error_codes(body)[0] == "GRAPHQL_VALIDATION_FAILED"
    assert "within itself" in body["errors"][0]["message"]


async def test_aliases_over_limit_are_refused(client):
    limit = get_settings().max_aliases
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(limit + 1)) + " }"
    resp = await client.post("/graphql", json={"query": query})
    assert resp.status_code == 400
    assert "aliases" in resp.json()["errors"][0]["message"]
    ok = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(limit)) + " }"
    assert (await client.post("/graphql", json={"query": ok})).status_code == 200


async def test_aliases_in_fragments_are_counted(client):
    limit = get_settings().max_aliases
    half = limit // 2 + 1
    fragment_a = "fragment A on Query { " + " ".join(f"x{i}: me {{ id }}" for i in range(half)) + " }"
    fragment_b = "fragment B on Query { " + " ".join(f"y{i}: me {{ id }}" for i in range(half)) + " }"
    resp = await client.post("/graphql", json={"query": "{ ...A ...B } " + fragment_a + " " + fragment_b})
    assert resp.status_code == 400
    assert "aliases" in resp.json()["errors"][0]["message"]


async def test_token_limit(client):
    limit = get_settings().max_tokens
    query = "{ " + " ".join("__typename" for _ in range(limit + 10)) + " }"
    resp = await client.post("/graphql", json={"query": query})
    assert resp.status_code == 400
    body = resp.json()
    assert "tokens" in body["errors"][0]["message"]
    assert_no_leak(resp.text)


async def test_first_over_cap_is_an_error(client):
    resp = await client.post("/graphql", json={"query": "{ achievements(first: 1000) { totalCount } }"})
    body = resp.json()
    assert body["data"] is None or body["data"].get("achievements") is None
    assert error_codes(body) == ["BAD_USER_INPUT"]


# --- malformed requests: GraphQL over HTTP status codes ------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ({"json": {}}, 400),
        ({"json": {"query": 12}}, 400),
        ({"json": {"query": "{ me { id } }", "variables": [1, 2]}}, 400),
        ({"content": b"{ me { id } }", "headers": {"content-type": "text/plain"}}, 400),
        ({"json": [{"query": "{ me { id } }"}, {"query": "{ me { id } }"}]}, 400),
        ({"json": {"query": "{ me { "}}, 400),
        ({"json": {"query": "{ noSuchField }"}}, 400),
        ({"json": {"query": "query($n: Int) { achievements(first: $n) { totalCount } }", "variables": {"n": "x"}}}, 400),
        ({"json": {"query": "query($n: Int!) { achievements(first: $n) { totalCount } }"}}, 400),
    ],
    ids=["bad-json", "no-query", "query-not-string", "variables-not-object", "wrong-content-type", "batch",
         "syntax-error", "unknown-field", "variable-wrong-type", "variable-missing"],
)
async def test_malformed_requests_are_400_json(client, kwargs, status):
    resp = await client.post("/graphql", **kwargs)
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["errors"] and body["errors"][0]["message"]
    assert_no_leak(resp.text)


async def test_mutation_over_get_is_refused(client):
    resp = await client.get("/graphql", params={"query": "mutation { logout }"})
    assert resp.status_code == 405
    assert resp.headers["allow"] == "POST"
    assert resp.json()["errors"][0]["message"]


async def test_query_over_get_is_served(client):
    resp = await client.get("/graphql", params={"query": "{ kecamatanList { code } }"})
    assert resp.status_code == 200 and len(resp.json()["data"]["kecamatanList"]) == 18


# --- body size ------------------------------------------------------------------------------------

async def test_body_over_limit_by_content_length(db):
    async with app_client(max_request_bytes=2000) as (c, _):
        resp = await c.post("/graphql", json={"query": "{ me { id } }", "variables": {"x": "a" * 5000}})
        assert resp.status_code == 413
        assert error_codes(resp.json()) == ["PAYLOAD_TOO_LARGE"]
        assert resp.headers["x-request-id"]
        small = await c.post("/graphql", json={"query": "{ me { id } }"})
        assert small.status_code == 200


async def test_body_over_limit_counted_while_streaming(db):
    async def chunks():
        for _ in range(10):
            yield b" " * 1000

    async with app_client(max_request_bytes=2000) as (c, _):
        resp = await c.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in resp.request.headers
        assert resp.status_code == 413
        assert error_codes(resp.json()) == ["PAYLOAD_TOO_LARGE"]


# --- timeout and masking --------------------------------------------------------------------------

async def test_timeout_gives_504_json():
    async def slow(scope, receive, send):
        await asyncio.sleep(5)

    guarded = GuardMiddleware(slow, timeout_seconds=0.05)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://t") as c:
        resp = await c.get("/anything")
    assert resp.status_code == 504
    assert error_codes(resp.json()) == ["TIMEOUT"]


async def test_a_request_still_unwinding_at_the_hard_stop_is_answered_and_left_to_finish():
    """Past the hard stop the 504 goes out at once; the work, which stops by itself at its deadline checks, is not
    cancelled (cancelling drops the resolvers not yet started, unawaited) and its later sends are dropped."""
    from service import deadlines

    outcome = {}

    async def unwinding(scope, receive, send):
        outcome["deadline"] = deadlines.current()
        for _ in range(100):  # work in steps, each checking the deadline
            if deadlines.passed():
                break
            await asyncio.sleep(0.005)
        try:
            await asyncio.sleep(0.3)  # unwinding an abandoned answer, past the hard stop
        except asyncio.CancelledError:
            outcome["cancelled"] = True
            raise
        outcome["unwound"] = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"late"})

    guarded = GuardMiddleware(unwinding, timeout_seconds=0.05)
    guarded.hard_stop_grace_seconds = 0.01
    started = time.perf_counter()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://t") as c:
        resp = await c.get("/anything")
    assert time.perf_counter() - started < 0.25
    assert resp.status_code == 504 and error_codes(resp.json()) == ["TIMEOUT"]
    deadline = outcome.pop("deadline")
    assert deadline.expired and not deadline.released  # the cycle collector paused while it unwinds
    for _ in range(100):
        if outcome:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0)
    assert outcome == {"unwound": True}
    assert deadline.released


async def test_an_abandoned_request_waiting_on_something_is_cancelled_a_few_seconds_on():
    outcome = {}

    async def stuck(scope, receive, send):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            outcome["cancelled"] = True
            raise

    guarded = GuardMiddleware(stuck, timeout_seconds=0.05)
    guarded.unwind_seconds = 0.1
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://t") as c:
        resp = await c.get("/anything")
    assert resp.status_code == 504
    assert outcome == {}
    await asyncio.sleep(0.3)
    assert outcome == {"cancelled": True}


async def test_app_applies_request_timeout_setting(db):
    async with app_client(request_timeout_seconds=7) as (_, app):
        stack = app.build_middleware_stack()
        found = []
        node = stack
        while node is not None:
            if isinstance(node, GuardMiddleware):
                found.append(node.timeout_seconds)
            node = getattr(node, "app", None)
        assert found == [7]


async def test_resolver_failure_is_masked_and_logged_with_request_id(client, monkeypatch, caplog):
    class Exploding:
        @staticmethod
        def all():
            raise RuntimeError('relation "kecamatan" failed: SELECT nik FROM person WHERE password_hash')

    monkeypatch.setattr("schema.regions.queries.Kecamatan", Exploding)
    resp = await client.post("/graphql", json={"query": "{ kecamatanList { code } }"},
                             headers={"X-Request-ID": "abc-123"})
    assert resp.status_code == 200
    body = resp.json()
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["extensions"]["requestId"] == "abc-123"
    assert resp.headers["x-request-id"] == "abc-123"
    assert_no_leak(resp.text)
    assert "nik" not in resp.text and "password" not in resp.text
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "abc-123"]
    assert logged and logged[0].exc_info is not None


async def test_unhandled_route_error_is_a_masked_json_500(db):
    async def boom(request):
        raise RuntimeError("SELECT password_hash FROM app_user -- asyncpg.exceptions")

    async with app_client() as (c, app):
        app.router.routes.append(Route("/boom", boom))
        resp = await c.get("/boom")
    assert resp.status_code == 500
    body = resp.json()
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert resp.headers["x-request-id"] == body["errors"][0]["extensions"]["requestId"]
    assert_no_leak(resp.text)
    assert "password" not in resp.text


# --- request ids ----------------------------------------------------------------------------------

async def test_every_response_has_a_request_id(db):
    async def ok(request):
        return JSONResponse({"ok": True})

    async with app_client() as (c, app):
        app.router.routes.append(Route("/ok", ok))
        responses = [
            await c.get("/healthz"),
            await c.post("/graphql", json={"query": "{ me { id } }"}),
            await c.post("/graphql", content=b"nope", headers={"content-type": "application/json"}),
            await c.get("/no-such-page"),
            await c.get("/ok"),
        ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids) and len(set(ids)) == len(ids)


async def test_sane_request_id_is_echoed_and_hostile_one_replaced(client):
    resp = await client.get("/healthz", headers={"X-Request-ID": "trace.42-a"})
    assert resp.headers["x-request-id"] == "trace.42-a"
    resp = await client.get("/healthz", headers={"X-Request-ID": "evil value <script>" + "x" * 100})
    assert resp.headers["x-request-id"] != "" and " " not in resp.headers["x-request-id"]
    assert len(resp.headers["x-request-id"]) <= 64


# --- introspection and GraphiQL switches ---------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_and_graphiql_on_by_default(client):
    resp = await client.post("/graphql", json={"query": INTROSPECTION})
    assert resp.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_introspection_and_graphiql_can_be_switched_off(db):
    async with app_client(introspection=False, graphiql=False) as (c, _):
        resp = await c.post("/graphql", json={"query": INTROSPECTION})
        assert resp.status_code == 400
        assert "introspection" in json.dumps(resp.json()).lower()
        page = await c.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        plain = await c.post("/graphql", json={"query": "{ kecamatanList { code } }"})
        assert plain.status_code == 200 and "errors" not in plain.json()


# --- second round: cost, deadline, huge tokens --------------------------------------------------------

CYCLE = "{ kecamatanList { desa { kecamatan { desa { kecamatan { desa { kecamatan { desa { id } } } } } } } } }"


async def test_cyclic_nesting_is_refused_by_its_cost_before_execution(client):
    import time

    started = time.perf_counter()
    resp = await client.post("/graphql", json={"query": CYCLE})
    assert time.perf_counter() - started < 5  # refused, not run for half a minute
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    ext = error["extensions"]
    assert ext["code"] == "QUERY_TOO_COSTLY"
    assert ext["limit"] == get_settings().max_query_cost and ext["cost"] > ext["limit"]
    assert "biaya" in error["message"]


async def test_console_sized_queries_stay_within_the_cost_limit(client):
    q = """{ kecamatanList { id name desa { id name } } categories { slug children { slug } }
             achievements(first: 100) { totalCount edges { node { id title persons { id name }
             evidence { id } institution { name } } } } }"""
    resp = await client.post("/graphql", json={"query": q})
    assert resp.status_code == 200 and "errors" not in resp.json(), resp.text


async def test_the_cost_limit_is_configurable():
    async with app_client(max_query_cost=100) as (c, _):
        resp = await c.post("/graphql", json={"query": "{ kecamatanList { id name desa { id } } }"})
    assert resp.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_deadline_stops_work_that_never_awaits(db):
    """With the cost limit off, the same query stops at the deadline: the 504 comes within a bound, and the
    event loop is free again right after it."""
    import time

    async with app_client(max_query_cost=0, request_timeout_seconds=1) as (c, _):
        started = time.perf_counter()
        resp = await c.post("/graphql", json={"query": CYCLE}, timeout=120)
        elapsed = time.perf_counter() - started
        assert resp.status_code == 504 and resp.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert elapsed < 20, elapsed
        started = time.perf_counter()
        assert (await c.get("/healthz")).status_code == 200
        assert time.perf_counter() - started < 2


async def test_one_huge_token_is_refused_before_parsing(client):
    import time

    for query in ('{ categories(x: "' + "a" * 11_000_000 + '") { slug } }', "#" + "c" * 11_000_000 + "\n{ me { id } }"):
        started = time.perf_counter()
        resp = await client.post("/graphql", json={"query": query})
        assert time.perf_counter() - started < 3
        assert resp.status_code == 400
        assert "terlalu panjang" in resp.json()["errors"][0]["message"]
