"""A cache of anonymous GraphQL query responses, valid until the database changes (correct across workers)."""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from graphql import OperationType, parse
from graphql.error import GraphQLError
from graphql.language import OperationDefinitionNode
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.change_stamp import ChangeStamp

log = logging.getLogger("juara.cache")

MAX_ENTRIES = 512
MAX_REQUEST_BYTES = 16 * 1024
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
# Never replayed: they belong to the request that produced the response.
PER_REQUEST_HEADERS = {b"x-request-id", b"set-cookie", b"content-length"}


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

    def __init__(self, app: ASGIApp, enabled: bool = True, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
        self.enabled = enabled
        # Bodies and keys held at most, per worker; the oldest answers go first.
        self.max_bytes = max_bytes
        self.bytes = 0
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
            self.bytes = 0
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
            size = _entry_size(key, response_body)
            if size > self.max_bytes:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= _entry_size(key, old[2])
            self._entries[key] = (200, captured["headers"], response_body)
            self.bytes += size
            while self._entries and (len(self._entries) > MAX_ENTRIES or self.bytes > self.max_bytes):
                old_key, (_, _, old_body) = self._entries.popitem(last=False)
                self.bytes -= _entry_size(old_key, old_body)


def _entry_size(key: bytes, body: bytes) -> int:
    return len(key) + len(body) + 512  # the headers and the bookkeeping, roughly


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

