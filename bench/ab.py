"""Paired A/B of one server setting: rounds alternate A and B, so load from elsewhere hits both alike.

    python -m bench.ab --db postgres --a JUARA_HTTP=h11 --b JUARA_HTTP=fast --rounds 3 --seconds 8

Each round starts `juara serve` with the setting, runs the 20-item listing under 8 keep-alive clients
(response cache off unless --cache), and records requests/s and p99; the load average is printed with
every round. Prints the median of the rounds per side and B/A.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from collections.abc import Iterator

from bench import harness, page, throughput


@contextlib.contextmanager
def _env(pairs: list[str]) -> Iterator[None]:
    saved = dict(os.environ)
    for pair in pairs:
        key, _, value = pair.partition("=")
        os.environ[key] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--a", action="append", default=[])
    parser.add_argument("--b", action="append", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cache", action="store_true")
    args = parser.parse_args(argv)
    url = harness.ensure_dataset(args.db, args.size, harness.DEFAULT_PG, lambda m: print(m, file=sys.stderr))
    results: dict[str, list] = {"A": [], "B": []}
    for r in range(args.rounds):
        for side, pairs in (("A", args.a), ("B", args.b)):
            with _env(pairs), harness.server(url, args.workers, cache=args.cache) as port:
                session = harness.LAST_SERVER_SESSION
                cpu = harness.session_cpu_seconds(session)
                res = throughput.load(port, page.LIST_QUERY, clients=args.clients, seconds=args.seconds, warmup=0)
                cpu_ms = (harness.session_cpu_seconds(session) - cpu) * 1000 / max(1, res.requests)
            results[side].append((res.rps, res.p99_ms, res.failures, cpu_ms))
            print(f"round {r + 1} {side} {' '.join(pairs) or '(default)'}: {res.rps:.0f} req/s, p99 "
                  f"{res.p99_ms:.1f} ms, server CPU {cpu_ms:.2f} ms/request, {res.failures} errors; "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    med = {k: statistics.median(x[0] for x in v) for k, v in results.items()}
    cpu = {k: statistics.median(x[3] for x in v) for k, v in results.items()}
    print(f"{args.db}: A {med['A']:.0f} req/s {cpu['A']:.2f} ms CPU/request, B {med['B']:.0f} req/s "
          f"{cpu['B']:.2f} ms CPU/request; B/A rps {med['B'] / med['A']:.2f}, CPU {cpu['B'] / cpu['A']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
