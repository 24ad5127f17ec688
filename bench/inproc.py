"""Cases measured inside one process with the database open (Tortoise initialised): SQL counts and service calls.

Run as `python -m bench.inproc CASE SIZE DATABASE` with DATABASE_URL set; prints one JSON list of records.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bench.harness import Record, SqlCounter, make_record
from bench.page import PAGE_QUERY, after_for

CASES: dict[str, Callable[[int, str, bool], Awaitable[list[Record]]]] = {}


def case(name: str):
    def register(fn):
        CASES[name] = fn
        return fn

    return register


async def graphql_sql_count(query: str, variables: dict[str, Any]) -> tuple[int, list[str], dict[str, Any]]:
    """Statements one GraphQL request sends, through the ASGI app (httpx ASGITransport, no network)."""
    import httpx

    from service.app import create_app

    app = create_app(manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = {"query": query, "variables": variables}
        await client.post("/graphql", json=body)  # warm: first use builds caches
        with SqlCounter() as counter:
            resp = await client.post("/graphql", json=body)
    data = resp.json()
    if data.get("errors"):
        raise RuntimeError(f"GraphQL errors: {data['errors']}")
    return counter.count, counter.statements, data


@case("sql_queries")
async def sql_queries(size: int, database: str, quick: bool) -> list[Record]:
    out = []
    for first, offset in ((100, 0), (10, 0), (100, 5000)):
        if offset >= size:
            continue
        count, statements, _ = await graphql_sql_count(PAGE_QUERY, {"first": first, "after": after_for(offset)})
        out.append(make_record("achievements_page_sql", size, database, None, None,
                               page_size=first, offset=offset, sql_queries=count, statements=statements))
    return out


async def main(names: list[str], size: int, database: str, quick: bool) -> list[Record]:
    from service import db

    await db.init_db()
    try:
        records: list[Record] = []
        for name in names:
            records.extend(await CASES[name](size, database, quick))
        return records
    finally:
        await db.close_db()


if __name__ == "__main__":
    names = sys.argv[1].split(",")
    size, database = int(sys.argv[2]), sys.argv[3]
    quick = os.environ.get("BENCH_QUICK") == "1"
    result = asyncio.run(main(names, size, database, quick))
    print(json.dumps([r.as_json() for r in result]))
