"""A cache of anonymous GraphQL query responses, valid until the database changes (correct across workers)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from graphql import OperationType, parse
from graphql.error import GraphQLError
from graphql.language import OperationDefinitionNode
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("juara.cache")

MAX_ENTRIES = 512
MAX_REQUEST_BYTES = 16 * 1024
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
# Never replayed: they belong to the request that produced the response.
PER_REQUEST_HEADERS = {b"x-request-id", b"set-cookie", b"content-length"}


# Tables an anonymous caller never reads; writing them (a login, an audit line) keeps the cache.
UNWATCHED_TABLES = {"auth_token", "login_throttle", "audit_event", "tortoise_migrations", "change_stamp"}

_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION change_stamp_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Once per transaction, at commit (the trigger is deferred), so the row lock is held only at the end.
  IF current_setting('juara.change_stamp_xid', true) IS DISTINCT FROM txid_current()::text THEN
    UPDATE change_stamp SET n = n + 1 WHERE id = 1;
    PERFORM set_config('juara.change_stamp_xid', txid_current()::text, true);
  END IF;
  RETURN NULL;
END $$
"""


async def install_change_stamp(conn: Any, tables: list[str]) -> None:
    """PostgreSQL: a counter every committed write to `tables` moves (idempotent; run by `juara migrate`).

    SQLite needs none: `PRAGMA data_version` already tells every connection of any other's commit.
    """
    if conn.capabilities.dialect != "postgres":
        return
    await conn.execute_script(
        "CREATE TABLE IF NOT EXISTS change_stamp (id INT PRIMARY KEY, n BIGINT NOT NULL);"
        "INSERT INTO change_stamp (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;"
    )
    await conn.execute_script(_BUMP_FUNCTION)
    for table in sorted(set(tables) - UNWATCHED_TABLES):
        await conn.execute_script(
            f'DROP TRIGGER IF EXISTS change_stamp_row ON "{table}";'
            f'CREATE CONSTRAINT TRIGGER change_stamp_row AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_stamp_bump();"
            f'DROP TRIGGER IF EXISTS change_stamp_truncate ON "{table}";'
            f'CREATE TRIGGER change_stamp_truncate AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION change_stamp_bump();"
        )


class ChangeStamp:
    """A cheap value that moves whenever committed contents an anonymous caller can read may have changed.

    Read before the response is computed, so a cached answer is never older than its stamp.
    PostgreSQL: the `change_stamp` counter, moved by deferred triggers in the writing transaction itself
    (visible exactly when the data is). SQLite: `PRAGMA data_version` on a connection of our own, which
    moves whenever another connection (this process's Tortoise connection or another worker's) commits.
    """

    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None

    async def read(self) -> Any:
        from tortoise import connections

        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            _, rows = await conn.execute_query("SELECT n FROM change_stamp WHERE id = 1")
            return rows[0]["n"] if rows else None
        if self._sqlite is None:
            path = conn.filename  # type: ignore[attr-defined]
            if path == ":memory:":
                return None  # nothing another connection could change, and nothing to watch
            self._sqlite = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]


def _is_query_only(text: str) -> bool:
    try:
        document = _parse(text)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(op.operation == OperationType.QUERY for op in operations)


_parsed: OrderedDict[str, Any] = OrderedDict()


def _parse(text: str) -> Any:
    document = _parsed.get(text)
    if document is None:
        document = parse(text, max_tokens=4000)
        _parsed[text] = document
        if len(_parsed) > MAX_ENTRIES:
            _parsed.popitem(last=False)
    return document


class PublicResponseCache:
    """Wraps the GraphQL endpoint: anonymous queries are answered from memory while the database is unchanged.

    Only requests without credentials are cached (what an anonymous caller sees depends on nothing else),
    only query operations, only complete answers without errors. The key is the exact request (method,
    query string, body); the cache is emptied whenever the change stamp moves.
    """

    def __init__(self, app: ASGIApp, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self.stamp = ChangeStamp()
        self._current: Any = object()
        self._entries: OrderedDict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http" or scope.get("method") not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "authorization" in headers or "cookie" in headers:
            await self.app(scope, receive, send)
            return
        body, receive = await _read_body(receive, headers)
        key = _cache_key(scope, headers, body)
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            stamp = await self.stamp.read()
        except Exception:  # noqa: BLE001 - without a stamp there is no cache, never a failed request
            if not self._warned:
                log.warning("change stamp unreadable (run `juara migrate`); answering uncached", exc_info=True)
                self._warned = True
            stamp = None
        if stamp is None:
            await self.app(scope, receive, send)
            return
        if stamp != self._current:
            self._entries.clear()
            self._current = stamp
        entry = self._entries.get(key)
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
            status, response_headers, response_body = entry
            await send({"type": "http.response.start", "status": status,
                        "headers": [*response_headers, (b"content-length", str(len(response_body)).encode())]})
            await send({"type": "http.response.body", "body": response_body})
            return
        self.misses += 1
        captured: dict[str, Any] = {"parts": [], "size": 0}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [(k, v) for k, v in message.get("headers", [])
                                       if k.lower() not in PER_REQUEST_HEADERS]
            elif message["type"] == "http.response.body" and captured["size"] <= MAX_RESPONSE_BYTES:
                captured["parts"].append(message.get("body", b""))
                captured["size"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        response_body = b"".join(captured["parts"])
        if (
            captured.get("status") == 200
            and captured["size"] <= MAX_RESPONSE_BYTES
            and b'"errors"' not in response_body
            and self._current == stamp
        ):
            self._entries[key] = (200, captured["headers"], response_body)
            if len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


async def _read_body(receive: Receive, headers: Headers) -> tuple[bytes, Receive]:
    """The whole (small) request body, and a `receive` that replays it to the wrapped app."""
    length = headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_REQUEST_BYTES):
        return b"", receive
    chunks: list[bytes] = []
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return b"".join(chunks), replay


def _cache_key(scope: Scope, headers: Headers, body: bytes) -> bytes | None:
    if scope["method"] == "GET":
        raw = scope.get("query_string", b"")
        query = parse_qs(raw.decode("latin-1")).get("query", [None])[0]
        if not query or "text/html" in headers.get("accept", ""):
            return None  # GraphiQL in a browser, or nothing to run
        return b"GET?" + raw if _is_query_only(query) else None
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json" or not body or len(body) > MAX_REQUEST_BYTES:
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    return b"POST " + body if _is_query_only(payload["query"]) else None

