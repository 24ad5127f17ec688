"""Connections to `juara serve` get TCP_NODELAY, also on the socket uvicorn binds itself for several workers."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from web.http_protocol import NoDelayH11Protocol


async def _nodelay_seen(protocol: type[H11Protocol]) -> int:
    seen: list[int] = []

    class Probe(protocol):  # type: ignore[valid-type,misc]
        def connection_made(self, transport):  # type: ignore[override]
            super().connection_made(transport)
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

    config = uvicorn.Config(app, host="127.0.0.1", port=0, http=Probe, log_level="warning", lifespan="off")
    sock = config.bind_socket()  # what uvicorn does before starting several workers
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        port = sock.getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        assert (await reader.read()).startswith(b"HTTP/1.1 200")
        writer.close()
    finally:
        server.should_exit = True
        await task
        sock.close()
    return seen[0]


async def test_accepted_connections_have_nodelay_set():
    assert await _nodelay_seen(NoDelayH11Protocol) != 0
