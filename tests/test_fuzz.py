"""Schema fuzzing with hypothesis-graphql: any generated operation, by any caller, gets no 5xx and no leak.

The suite runs a few dozen examples; `make fuzz` (JUARA_FUZZ_EXAMPLES) runs many more."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

import graphql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from service.enums import Role
from tests.factories import make_achievement, make_institution, make_user
from tests.operations import GRAPHQL_SCHEMA

EXAMPLES = int(os.environ.get("JUARA_FUZZ_EXAMPLES", "25"))
LEAKS = ("Traceback", 'File "', "sqlite3", "asyncpg", "aiosqlite", "tortoise", "OperationalError",
         "IntegrityError", "SELECT ", "INSERT INTO", "UPDATE ", "password_hash", "token_hash")


def _string_node(values: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.StringValueNode]:
    return values.map(lambda v: graphql.StringValueNode(value=v))


CUSTOM_SCALARS = {
    "Date": _string_node(st.one_of(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str), st.text(max_size=12))),
    "DateTime": _string_node(st.one_of(
        st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()), st.text(max_size=20))),
    "JSON": _string_node(st.text(max_size=20)),
    "Upload": _string_node(st.text(max_size=5)),
}


async def _callers() -> dict[str, dict[str, str]]:
    inst = await make_institution()
    await make_achievement(inst)
    out = {"anonymous": {}, "bad-token": {"Authorization": "Bearer rusak"}}
    for role in Role:
        login = await make_user(role, inst if role == Role.CONTRIBUTOR else None)
        out[role.value] = login.headers
    return out


def check(resp, document: str) -> None:
    assert resp.status_code < 500, f"{resp.status_code} for {document!r}: {resp.text[:500]}"
    for marker in LEAKS:
        assert marker not in resp.text, f"{marker!r} leaked for {document!r}: {resp.text[:500]}"
    if resp.headers.get("content-type", "").startswith("application/json"):
        body = resp.json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        assert "INTERNAL_SERVER_ERROR" not in codes, f"unexpected failure for {document!r}: {body}"


async def _fuzz(client, strategy) -> None:
    callers = await _callers()
    loop = asyncio.get_running_loop()

    def send(document: str, headers: dict[str, str]):
        # Hypothesis drives from a worker thread; the requests run on the test's own event loop.
        coro = client.post("/graphql", json={"query": document}, headers=headers)
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=120)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 100,
              suppress_health_check=list(HealthCheck))
    @given(document=strategy, who=st.sampled_from(sorted(callers)))
    def run(document: str, who: str) -> None:
        check(send(document, callers[who]), document)

    await asyncio.to_thread(run)


async def test_fuzz_queries(client):
    await _fuzz(client, queries(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS, allow_x00=True))


async def test_fuzz_mutations(client):
    await _fuzz(client, mutations(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS, allow_x00=True))


async def test_fuzz_invalid_operations(client):
    strategy = st.one_of(
        queries(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
        mutations(GRAPHQL_SCHEMA, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
    )
    await _fuzz(client, strategy)
