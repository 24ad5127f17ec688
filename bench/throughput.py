"""throughput: requests per second and p99 latency of a public query under concurrent keep-alive clients."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    failures: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return (self.requests - self.failures) / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0


def _request(port: int, query: str) -> bytes:
    body = json.dumps({"query": query}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    return head + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, b"".join(parts)
            parts.append(chunk[:-2])
    return status, await reader.read()


async def _client(port: int, payload: bytes, stop_at: float, record_from: float, out: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            start = time.perf_counter()
            if start >= stop_at:
                return
            writer.write(payload)
            try:
                status, body = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                # A dropped connection is a failure; open a new one and carry on.
                out.requests += 1
                out.failures += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            end = time.perf_counter()
            if start < record_from:
                continue
            out.requests += 1
            # A GraphQL error in a 200 response is a failure too.
            if status != 200 or b'"errors"' in body:
                out.failures += 1
            else:
                out.latencies.append(end - start)
    finally:
        writer.close()


async def run_load(port: int, query: str, *, clients: int, seconds: float, warmup: float) -> LoadResult:
    payload = _request(port, query)
    now = time.perf_counter()
    out = LoadResult(0, 0, seconds, [])
    await asyncio.gather(*[
        _client(port, payload, now + warmup + seconds, now + warmup, out) for _ in range(clients)
    ])
    return out


def load(port: int, query: str, *, clients: int = 8, seconds: float = 10, warmup: float = 2) -> LoadResult:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        runner = asyncio.run
    return runner(run_load(port, query, clients=clients, seconds=seconds, warmup=warmup))
