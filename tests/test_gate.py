"""web/gate.py: at most N calls run at once, the others wait in arrival order, a cancelled waiter or
runner gives its place on, and no limit means no waiting."""

from __future__ import annotations

import asyncio

from web.gate import Gate


class _App:
    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.order: list[int] = []
        self.release: dict[int, asyncio.Event] = {}

    async def __call__(self, scope, receive, send) -> None:
        n = scope["n"]
        self.running += 1
        self.most = max(self.most, self.running)
        self.order.append(n)
        try:
            await self.release.setdefault(n, asyncio.Event()).wait()
        finally:
            self.running -= 1


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_two_at_a_time_in_arrival_order():
    app = _App()
    gate = Gate(app, 2)
    tasks = [asyncio.create_task(gate({"type": "http", "n": n}, None, None)) for n in range(5)]
    await _settle()
    assert app.order == [0, 1] and gate.running == 2
    for n in range(5):
        app.release.setdefault(n, asyncio.Event()).set()
        await _settle()
    await asyncio.gather(*tasks)
    assert app.order == [0, 1, 2, 3, 4] and app.most == 2 and gate.running == 0


async def test_a_cancelled_waiter_leaves_the_queue_and_a_cancelled_runner_gives_its_place():
    app = _App()
    gate = Gate(app, 1)
    first = asyncio.create_task(gate({"type": "http", "n": 0}, None, None))
    waiting = asyncio.create_task(gate({"type": "http", "n": 1}, None, None))
    last = asyncio.create_task(gate({"type": "http", "n": 2}, None, None))
    await _settle()
    waiting.cancel()
    await _settle()
    first.cancel()  # a request abandoned at its deadline while running
    await _settle()
    assert app.order == [0, 2] and gate.running == 1
    app.release.setdefault(2, asyncio.Event()).set()
    await last
    assert gate.running == 0 and waiting.cancelled() and first.cancelled()


async def test_no_limit_and_other_scopes_never_wait():
    app = _App()
    for gate in (Gate(app, 0), Gate(app, 1)):
        scope_type = "http" if gate.limit == 0 else "lifespan"
        tasks = [asyncio.create_task(gate({"type": scope_type, "n": n}, None, None)) for n in range(3)]
        await _settle()
        assert app.running == 3
        for n in range(3):
            app.release.setdefault(n, asyncio.Event()).set()
        await asyncio.gather(*tasks)
        app.release.clear()
