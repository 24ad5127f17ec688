"""The throughput baseline: a bare ASGI app answering the public listing with hand-written SQL and json.dumps.

Served by uvicorn exactly like the service (`uvicorn bench.baseline_app:app --workers N`), DATABASE_URL from
the environment; it ignores the request body and always answers the listing.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

LIST_SQL = """
SELECT a.id, a.title, a.date, a.level, a.rank, i.name, k.name
FROM (SELECT id, date FROM achievement WHERE status = 'VERIFIED' ORDER BY date DESC, id DESC LIMIT 21) page
JOIN achievement a ON a.id = page.id
JOIN institution i ON i.id = a.institution_id
LEFT JOIN kecamatan k ON k.id = a.kecamatan_id
ORDER BY page.date DESC, page.id DESC
"""

_state: dict[str, Any] = {}


def _encode(rows: list[Any]) -> bytes:
    edges = [{"node": {
        "id": base64.b64encode(f"Achievement:{r[0]}".encode()).decode(), "title": r[1], "date": str(r[2]),
        "level": r[3], "rank": r[4], "institution": {"name": r[5]}, "kecamatan": {"name": r[6]} if r[6] else None,
    }} for r in rows[:20]]
    return json.dumps({"data": {"achievements": {"edges": edges}}}).encode()


async def _rows() -> list[Any]:
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite://"):
        conn = _state.get("sqlite")
        if conn is None:
            import sqlite3

            conn = _state["sqlite"] = sqlite3.connect(url[len("sqlite://"):], check_same_thread=False)
        return conn.execute(LIST_SQL).fetchall()
    pool = _state.get("pool")
    if pool is None:
        import asyncpg

        pool = _state["pool"] = await asyncpg.create_pool(url.replace("postgres://", "postgresql://", 1),
                                                          min_size=1, max_size=10)
    return await pool.fetch(LIST_SQL)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = b'{"status":"ok"}' if scope["path"] == "/healthz" else _encode(await _rows())
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
