"""At most N GraphQL operations of a worker execute at once; the others wait their turn, first come first served.

One worker runs everything on one event loop. With twenty operations in flight, each step of a write
transaction (a statement's answer) waits behind a step of every other operation before it goes on, so the
transaction holds its locks (SQLite's single writer, PostgreSQL's rows of the aggregate cells) many times
longer than its own work takes, and the other writers queue behind it. Executing a few at a time keeps
transactions short; a waiting request costs nothing but its place in the queue. Answers from the anonymous
response cache and every route but /graphql never wait here. The wait counts towards the request's deadline
(the guard middleware around it answers 504 when it passes).
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send


class Gate:
    """A first-come-first-served limit on concurrent calls of `app` (0: no limit)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.running = 0
        self._waiting: deque[asyncio.Future] = deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.limit <= 0 or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self._enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    async def _enter(self) -> None:
        if self.running < self.limit and not self._waiting:
            self.running += 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn  # the leaving call hands its place over: `running` already counts this one
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._leave()  # given a place while being cancelled: pass it on
            else:
                self._waiting.remove(turn)
            raise

    def _leave(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.running -= 1
