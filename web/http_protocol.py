"""uvicorn's HTTP/1.1 protocol with TCP_NODELAY on every connection.

With several workers uvicorn binds the listening socket itself (`socket.socket(family=…)`, protocol 0), and
asyncio then leaves Nagle's algorithm on for the accepted connections (it sets TCP_NODELAY only on sockets
whose protocol reads IPPROTO_TCP). A response written in two parts (headers, then body) then waits for the
client's delayed ACK, about 40 ms on Linux: every keep-alive request costs 40 ms more. Setting the option on
each connection makes one worker and several behave alike.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # not a TCP socket after all: nothing to change


class NoDelayH11Protocol(H11Protocol):
    # The signature of H11Protocol.connection_made, which narrows asyncio's BaseTransport the same way.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)


try:  # httptools (C parser) when installed; the pure-Python h11 otherwise
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a dependency
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

if HttpToolsProtocol is not None:
    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            set_nodelay(transport)
            super().connection_made(transport)


def fastest() -> tuple[type, str]:
    """The HTTP protocol class and event loop `juara serve` runs: httptools and uvloop where installed."""
    import importlib.util

    protocol: type = NoDelayHttpToolsProtocol if HttpToolsProtocol is not None else NoDelayH11Protocol
    loop = "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    return protocol, loop
