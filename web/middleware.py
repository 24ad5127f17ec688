"""Pure ASGI middleware facing the open internet: request ids, body size limit, timeout, masked 500s."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from typing import Any

from service import deadlines

log = logging.getLogger("juara.http")

Scope = dict[str, Any]
Message = dict[str, Any]

MASKED_MESSAGE = "Terjadi kesalahan pada server. Silakan coba lagi; bila berulang, hubungi admin dengan kode permintaan."
TOO_LARGE_MESSAGE = "Permintaan terlalu besar (maksimal {limit} bait)."
TIMEOUT_MESSAGE = "Permintaan memakan waktu terlalu lama dan dihentikan. Silakan coba lagi."

# How long after its deadline a request that does not stop by itself is cancelled.
HARD_STOP_GRACE_SECONDS = 0.25
# How long after that an abandoned request still running is cancelled.
UNWIND_SECONDS = 5.0

# A client-chosen request id is echoed only when it is short and harmless in a log line or a header.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    return scope.get("state", {}).get("request_id", "")


def error_body(message: str, code: str, request_id: str, **extensions: Any) -> bytes:
    ext = {"code": code, "requestId": request_id, **extensions}
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": ext}]}).encode("utf-8")


async def send_json_error(send, status: int, body: bytes, request_id: str, extra_headers=()) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestIdMiddleware:
    """Gives every request an id (kept from a sane X-Request-ID header), echoed on every response."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1").strip()
                break
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class _BodyTooLarge(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuses bodies over `max_bytes` with 413: by Content-Length at once, else counted as they stream."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    await self._refuse(send, request_id, declared < 0)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(send, request_id, False)

    async def _refuse(self, send, request_id: str, malformed: bool) -> None:
        if malformed:
            body = error_body("Header Content-Length tidak sah.", "BAD_REQUEST", request_id)
            await send_json_error(send, 400, body, request_id)
            return
        log.warning("request body too large", extra={"request_id": request_id, "limit": self.max_bytes})
        body = error_body(TOO_LARGE_MESSAGE.format(limit=self.max_bytes), "PAYLOAD_TOO_LARGE", request_id)
        await send_json_error(send, 413, body, request_id, [(b"connection", b"close")])


class GuardMiddleware:
    """A per-request time limit (504) and a last line of defence: any exception becomes a masked JSON 500."""

    hard_stop_grace_seconds: float = HARD_STOP_GRACE_SECONDS
    # How long an abandoned request may go on unwinding after its 504 before it is cancelled (work waiting on
    # something else, a query or a file, does not stop by itself).
    unwind_seconds: float = UNWIND_SECONDS

    def __init__(self, app, timeout_seconds: float) -> None:
        self.app = app
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        started = False
        answered = False  # the 504 went out while the work still ran: whatever it sends later is dropped

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        token = deadlines.start(self.timeout_seconds)
        deadline = deadlines.current()
        if deadline is None:
            try:
                await self.app(scope, receive, guarded_send)
            except Exception:
                await self._failed(send, request_id, scope, started)
            finally:
                deadlines.reset(token)
            return

        # At the deadline the timer marks it passed: the loops that never await and every resolver not yet
        # started stop at their next check (service/deadlines.py, schema/execution.py), closing what they had
        # not begun. A request still running a moment later (the hard stop) is answered with its 504 there and
        # then, and left to unwind: cancelling it would drop the resolvers not yet started, unawaited. Work
        # waiting on something else (a query, a file) is cancelled if it has not ended a few seconds later.
        loop = asyncio.get_running_loop()
        timer = loop.call_at(loop.time() + self.timeout_seconds, deadlines.expire, deadline)
        hard_stop = self.timeout_seconds + min(self.hard_stop_grace_seconds, self.timeout_seconds)
        work = loop.create_task(self.app(scope, receive, guarded_send))
        handed_off = False
        try:
            try:
                async with asyncio.timeout(hard_stop):
                    await asyncio.shield(work)
            except asyncio.CancelledError:
                work.cancel()
                raise
            except BaseException:
                if work.done():
                    pass  # the work's own exception (or the hard stop just as it ended): handled below
                elif started:
                    # A streamed response under way can only be cut off.
                    work.cancel()
                    await asyncio.wait((work,))
                else:
                    answered = handed_off = True
                    self._log_timeout(request_id, scope)
                    await send_json_error(send, 504, error_body(TIMEOUT_MESSAGE, "TIMEOUT", request_id), request_id)
                    stop = loop.call_later(self.unwind_seconds, work.cancel)
                    work.add_done_callback(lambda done: _abandoned_done(done, stop, deadline))
                    return
            if work.cancelled():  # cut off at the hard stop
                self._log_timeout(request_id, scope)
                return
            error = work.exception()
            if error is None:
                return
            if isinstance(error, (TimeoutError, deadlines.DeadlineExceeded)):
                self._log_timeout(request_id, scope)
                if not started:
                    await send_json_error(send, 504, error_body(TIMEOUT_MESSAGE, "TIMEOUT", request_id), request_id)
            elif isinstance(error, Exception):
                log.error("unhandled error", exc_info=error,
                          extra={"request_id": request_id, "path": scope.get("path")})
                if not started:
                    await send_json_error(send, 500, error_body(MASKED_MESSAGE, "INTERNAL_SERVER_ERROR", request_id),
                                          request_id)
            else:
                raise error
        finally:
            timer.cancel()
            deadlines.reset(token, release=not handed_off)

    def _log_timeout(self, request_id: str, scope: Scope) -> None:
        log.error("request timed out", extra={"request_id": request_id, "path": scope.get("path"),
                                              "timeout_seconds": self.timeout_seconds})

    async def _failed(self, send, request_id: str, scope: Scope, started: bool) -> None:
        log.exception("unhandled error", extra={"request_id": request_id, "path": scope.get("path")})
        if not started:
            await send_json_error(send, 500, error_body(MASKED_MESSAGE, "INTERNAL_SERVER_ERROR", request_id),
                                  request_id)


def _abandoned_done(work: asyncio.Task, stop: asyncio.TimerHandle, deadline: deadlines.Deadline) -> None:
    """An abandoned request has unwound (or was cancelled): its outcome is known, its deadline released."""
    stop.cancel()
    if not work.cancelled():
        work.exception()  # retrieved: it was answered with the 504 already
    deadlines.release(deadline)


async def masked_500(request, exc: Exception):
    """Starlette's own 500 handler: the same masked JSON body, never the debug page."""
    from starlette.responses import Response

    request_id = request.scope.get("state", {}).get("request_id", "") or uuid.uuid4().hex[:16]
    return Response(error_body(MASKED_MESSAGE, "INTERNAL_SERVER_ERROR", request_id), status_code=500,
                    media_type="application/json", headers={"x-request-id": request_id})
