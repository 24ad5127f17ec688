"""achievements_page: a page of 100 achievements with their relations over HTTP, against hand-written SQL."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

PAGE_QUERY = """
query Page($first: Int!, $after: String) {
  achievements(first: $first, after: $after) {
    edges {
      cursor
      node {
        id title eventName organizer level rank date achieverKind status
        category { id name }
        institution { id name kind }
        kecamatan { id code name }
        desa { id code name }
        persons { id name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# The public listing: what a visitor's browser asks for on the front page.
LIST_QUERY = "{ achievements(first: 20) { edges { node { id title date level rank " \
    "institution { name } kecamatan { name } } } } }"

PAGE_SQL = """
WITH page AS (
  SELECT id, date FROM achievement WHERE status = 'VERIFIED' {seek}ORDER BY date DESC, id DESC LIMIT ? OFFSET ?
)
SELECT a.id, a.title, a.event_name, a.organizer, a.level, a.rank, a.date, a.achiever_kind, a.status,
       c.id, c.name, i.id, i.name, i.kind, k.id, k.code, k.name, d.id, d.code, d.name
FROM page
JOIN achievement a ON a.id = page.id
JOIN category c ON c.id = a.category_id
JOIN institution i ON i.id = a.institution_id
LEFT JOIN kecamatan k ON k.id = a.kecamatan_id
LEFT JOIN desa d ON d.id = a.desa_id
ORDER BY page.date DESC, page.id DESC
"""

PERSONS_SQL = """
SELECT ap.achievement_id, p.id, p.name, p.publication_consent
FROM achievement_person ap JOIN person p ON p.id = ap.person_id
WHERE ap.achievement_id IN ({marks})
ORDER BY ap.id
"""

Fetch = Callable[[str, list[Any]], Awaitable[list[Any]]]


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


def cursor(offset: int, key: list[Any] | None = None) -> str:
    """The service's cursor: the offset, and the row's position (its date and id) for seeking."""
    text = f"cursor:{offset}" if key is None else f"cursor:{offset}:{json.dumps(key, separators=(',', ':'))}"
    return base64.b64encode(text.encode()).decode("ascii")


def after_for(offset: int) -> str | None:
    """An offset-only cursor (still accepted): the page after it is found by counting past `offset` rows."""
    return cursor(offset - 1) if offset else None


POSITION_SQL = "SELECT date, id FROM achievement WHERE status = 'VERIFIED' ORDER BY date DESC, id DESC LIMIT 1 OFFSET ?"


async def cursor_before(fetch: Fetch, offset: int) -> str | None:
    """The cursor a client holds after reading the rows before `offset` (the previous page's endCursor)."""
    if not offset:
        return None
    (date, pk), = await fetch(POSITION_SQL, [offset - 1])
    return cursor(offset - 1, [str(date), pk])


def _decode(after: str | None) -> tuple[int, list[Any] | None]:
    if not after:
        return 0, None
    _, num, *key = base64.b64decode(after).decode().split(":", 2)
    return int(num) + 1, (json.loads(key[0]) if key else None)


def initials(name: str) -> str:
    parts = [p for p in re.split(r"[\s.]+", name) if p]
    return " ".join(f"{p[0].upper()}." for p in parts) or "-"


def to_pg(query: str) -> str:
    n = 0

    def repl(_: re.Match) -> str:
        nonlocal n
        n += 1
        return f"${n}"

    return re.sub(r"\?", repl, query)


SEEK = "AND date <= ? AND (date < ? OR id < ?) "


async def baseline_page(fetch: Fetch, first: int, after: str | None) -> bytes:
    """The same data as PAGE_QUERY for an anonymous caller: two statements and JSON encoding; after a
    cursor that carries its row's position, the page starts there on the index (keyset), as the service's."""
    offset, key = _decode(after)
    if key is not None:
        date = dt.date.fromisoformat(key[0]) if getattr(fetch, "native_dates", False) else key[0]
        rows = await fetch(PAGE_SQL.format(seek=SEEK), [date, date, key[1], first + 1, 0])
    else:
        rows = await fetch(PAGE_SQL.format(seek=""), [first + 1, offset])
    has_next = len(rows) > first
    rows = rows[:first]
    persons: dict[int, list[dict[str, Any]]] = {}
    if rows:
        ids = [r[0] for r in rows]
        for aid, pid, name, consent in await fetch(PERSONS_SQL.format(marks=",".join("?" * len(ids))), ids):
            persons.setdefault(aid, []).append({"id": gid("Person", pid), "name": name if consent else initials(name)})
    edges = []
    for n, r in enumerate(rows):
        edges.append({
            "cursor": cursor(offset + n, [str(r[6]), r[0]]),
            "node": {
                "id": gid("Achievement", r[0]), "title": r[1], "eventName": r[2], "organizer": r[3],
                "level": r[4], "rank": r[5], "date": str(r[6]), "achieverKind": r[7], "status": r[8],
                "category": {"id": gid("Category", r[9]), "name": r[10]},
                "institution": {"id": gid("Institution", r[11]), "name": r[12], "kind": r[13]},
                "kecamatan": {"id": gid("Kecamatan", r[14]), "code": r[15], "name": r[16]} if r[14] else None,
                "desa": {"id": gid("Desa", r[17]), "code": r[18], "name": r[19]} if r[17] else None,
                "persons": persons.get(r[0], []),
            },
        })
    page_info = {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}
    return json.dumps({"data": {"achievements": {"edges": edges, "pageInfo": page_info}}}).encode()


def sqlite_fetch(path: str) -> tuple[Fetch, Callable[[], None]]:
    """The fastest way Python reads SQLite: the stdlib driver, no thread hop."""
    import sqlite3

    conn = sqlite3.connect(path, check_same_thread=False)

    async def fetch(query: str, values: list[Any]) -> list[Any]:
        return conn.execute(query, values).fetchall()

    return fetch, conn.close


async def asyncpg_fetch(url: str) -> tuple[Fetch, Callable[[], Awaitable[None]]]:
    """asyncpg on one connection with its prepared-statement cache, as a hand-written service would."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))

    async def fetch(query: str, values: list[Any]) -> list[Any]:
        return await conn.fetch(to_pg(query), *values)

    fetch.native_dates = True  # type: ignore[attr-defined]
    return fetch, conn.close
