"""Run the benchmarks: `python -m bench.run` (full) or `python -m bench.run --quick` (10 000 rows, minutes)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import harness, page, throughput
from bench.harness import make_record

ALL_CASES = ["achievements_page", "stats", "press_generate", "import_xlsx", "export_csv", "throughput", "mixed"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def inproc(names: list[str], size: int, database: str, url: str, quick: bool,
           scratch: str = "") -> list[dict[str, Any]]:
    env = {**os.environ, "BENCH_SCRATCH_URL": scratch, "DATABASE_URL": url, "JUARA_LOG_LEVEL": "WARNING", "BENCH_QUICK": "1" if quick else "0",
           "JUARA_RESPONSE_CACHE": "0"}
    out = subprocess.run(  # noqa: S603 - our own module
        [harness.PYTHON, "-m", "bench.inproc", ",".join(names), str(size), database],
        env=env, cwd=harness.ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _page_case(port: int, url: str, first: int, offset: int, warmup: int, repeat: int):
    if url.startswith("sqlite://"):
        fetch, close = page.sqlite_fetch(url[len("sqlite://"):])
        aclose = None
    else:
        fetch, aclose = await page.asyncpg_fetch(url)
        close = None
    client = harness.GraphQLClient(port)
    after = await page.cursor_before(fetch, offset)
    variables = {"first": first, "after": after}
    try:
        served = client.post(page.PAGE_QUERY, variables)
        expected = json.loads(await page.baseline_page(fetch, first, after))
        same = served == expected
        if not same:
            log(f"  warning: the page differs from the baseline's at offset {offset}")
        for _ in range(warmup):
            client.post(page.PAGE_QUERY, variables)
            await page.baseline_page(fetch, first, after)
        api, base = [], []
        # Interleaved, so that a burst of load from elsewhere on the machine hits both alike.
        for _ in range(repeat):
            start = time.perf_counter()
            client.post(page.PAGE_QUERY, variables)
            api.append(time.perf_counter() - start)
            start = time.perf_counter()
            await page.baseline_page(fetch, first, after)
            base.append(time.perf_counter() - start)
        return harness.median_ms(api), harness.median_ms(base), same
    finally:
        client.close()
        if close:
            close()
        if aclose:
            await aclose()


def achievements_page(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
    """The engine with the response cache off (every request resolved), then the cached answer as a figure."""
    warmup, repeat = (3, 20) if quick else (5, 40)
    sql = {(r["page_size"], r["offset"]): r["sql_queries"] for r in inproc(["sql_queries"], size, database, url, quick)}
    offsets = [o for o in (0, 5000) if o < size * 0.6]  # about 80 % of the demo achievements are VERIFIED
    uncached: dict[int, tuple[float, float, bool]] = {}
    cached: dict[int, tuple[float, float, bool]] = {}
    with harness.server(url, 1, cache=False) as port:
        for offset in offsets:
            uncached[offset] = asyncio.run(_page_case(port, url, 100, offset, warmup, repeat))
    with harness.server(url, 1, cache=True) as port:
        for offset in offsets:
            cached[offset] = asyncio.run(_page_case(port, url, 100, offset, warmup, repeat))
    out = []
    for offset in offsets:
        api_ms, base_ms, same = uncached[offset]
        cached_ms, cached_base_ms, _ = cached[offset]
        name = "achievements_page" if offset == 0 else f"achievements_page_offset_{offset}"
        figures: dict[str, Any] = {
            "transport": "HTTP/1.1 keep-alive to uvicorn on 127.0.0.1 (1 worker), response cache off",
            "page_size": 100, "offset": offset, "sql_queries": sql.get((100, offset)),
            "sql_queries_page_of_10": sql.get((10, 0)), "same_data_as_baseline": same, "repeat": repeat,
            "cached_median_ms": round(cached_ms, 3), "cached_ratio": round(cached_ms / cached_base_ms, 2),
        }
        if offset:
            figures["vs_first_page"] = round(api_ms / uncached[0][0], 2)
        out.append(make_record(name, size, database, api_ms, base_ms, **figures).as_json())
        log(f"  {name}: {api_ms:.2f} ms vs {base_ms:.2f} ms baseline; {sql.get((100, offset))} SQL;"
            f" cached {cached_ms:.2f} ms")
    return out


def throughput_case(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
    """The public listing under 8 keep-alive clients, as deployed (response cache on); in full runs also off."""
    seconds, warmup = (8, 1) if quick else (8, 2)
    clients = 8
    out = []
    for workers in (1, 2):
        with harness.server(url, workers) as port:
            served = throughput.load(port, page.LIST_QUERY, clients=clients, seconds=seconds, warmup=warmup)
        with harness.server(url, workers, cache=False) as port:
            uncached = throughput.load(port, page.LIST_QUERY, clients=clients, seconds=seconds, warmup=warmup)
        with harness.server(url, workers, asgi_app="bench.baseline_app:app") as port:
            base = throughput.load(port, page.LIST_QUERY, clients=clients, seconds=seconds, warmup=warmup)
        figures: dict[str, Any] = {
            "workers": workers, "clients": clients, "seconds": seconds, "rps": round(served.rps, 1),
            "baseline_rps": round(base.rps, 1), "p99_ms": round(served.p99_ms, 2),
            "baseline_p99_ms": round(base.p99_ms, 2), "errors": served.failures, "requests": served.requests,
            "query": "achievements(first: 20) with institution and kecamatan names, anonymous; response cache on",
        }
        figures.update(uncached_rps=round(uncached.rps, 1), uncached_p99_ms=round(uncached.p99_ms, 2),
                       uncached_errors=uncached.failures,
                       uncached_vs_baseline=round(base.rps / uncached.rps, 2) if uncached.rps else None,
                       load_average=round(os.getloadavg()[0], 2))
        out.append(make_record(f"throughput_{workers}w", size, database, served.p50_ms, base.p50_ms,
                               **figures).as_json())
        log(f"  throughput {workers}w: {served.rps:.0f} req/s (p99 {served.p99_ms:.1f} ms, {served.failures} errors)"
            f" vs {base.rps:.0f} req/s baseline" + (f"; uncached {uncached.rps:.0f} req/s" if uncached else ""))
    return out


class _KeepAliveClient:
    """The GraphQL client of the stats case: a fresh connection, made untimed, after an idle spell.

    uvicorn closes a keep-alive connection idle for 5 s; the raw GROUP BYs timed in between take that
    long at 100 000 rows and more, and the next request would then fail (broken pipe) or pay a reconnect.
    """

    IDLE_S = 3.0

    def __init__(self, port: int) -> None:
        self.port = port
        self.client = harness.GraphQLClient(port)
        self.used = time.monotonic()

    def ready(self) -> None:
        if time.monotonic() - self.used > self.IDLE_S:
            self.client.close()
            self.client = harness.GraphQLClient(self.port)
            self.client.conn.connect()

    def post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.client.post(query, variables)
        finally:
            self.used = time.monotonic()

    def close(self) -> None:
        self.client.close()


def _interleaved(pairs: dict[str, Callable[[], Any]], ready: Callable[[], None], *, warmup: int,
                 repeat: int) -> dict[str, list[float]]:
    """harness.interleaved, with `ready()` (untimed) before every call."""
    for fn in pairs.values():
        for _ in range(warmup):
            ready()
            fn()
    samples: dict[str, list[float]] = {k: [] for k in pairs}
    for _ in range(repeat):
        for key, fn in pairs.items():
            ready()
            start = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - start)
    return samples


def stats_case(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
    """The dashboard `stats` (all breakdowns) over HTTP, cache off, against the raw GROUP BYs (bench/stats_bench.py)."""
    from bench import stats_bench

    warmup, repeat = (2, 10) if quick else (5, 30)
    if size >= 1_000_000 and not quick:
        # The raw GROUP BYs take seconds each at a million rows (11 s on SQLite): a few suffice for a ratio
        # that is 0.00 either way; the API's median still comes from these interleaved calls.
        warmup, repeat = 1, 3
    out = []
    with harness.server(url, 1, cache=False) as port:
        client = _KeepAliveClient(port)
        raw = stats_bench.RawRunner(database, url)
        try:
            for scenario, flt, where in stats_bench.SCENARIOS:
                queries = stats_bench.raw_queries(database, where)
                variables = {"f": flt}
                client.ready()
                started = time.perf_counter()
                total = client.post(stats_bench.STATS_QUERY, variables)["data"]["stats"]["total"]
                first_ms = (time.perf_counter() - started) * 1000
                samples = _interleaved({
                    "api": lambda v=variables: client.post(stats_bench.STATS_QUERY, v),
                    "raw": lambda q=queries: raw.run(q),
                }, client.ready, warmup=warmup, repeat=repeat)
                api_ms, raw_ms = harness.median_ms(samples["api"]), harness.median_ms(samples["raw"])
                name = "stats" if scenario == "all" else f"stats_{scenario}"
                out.append(make_record(
                    name, size, database, api_ms, raw_ms, scenario=scenario, total=total, repeat=repeat,
                    first_request_ms=round(first_ms, 2),
                    transport="HTTP/1.1 keep-alive to uvicorn on 127.0.0.1 (1 worker), response cache off",
                    baseline="the raw GROUP BY queries of bench/stats_bench.py over one driver connection",
                ).as_json())
                log(f"  {name}: {api_ms:.2f} ms vs {raw_ms:.2f} ms raw GROUP BY (first request {first_ms:.0f} ms)")
        finally:
            client.close()
            raw.close()
    return out


_IMPORT_DONE: set[str] = set()


def import_case(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
    """On a scratch database (the import writes), never on the seeded dataset: it does not depend on the
    registry's size, so it runs once per database (at the first size of the run)."""
    if database in _IMPORT_DONE:
        return []
    _IMPORT_DONE.add(database)
    pg_url = os.environ.get("BENCH_POSTGRES_URL", harness.DEFAULT_PG)
    scratch = "sqlite" if database == "sqlite" else harness.with_database(pg_url, "juara_bench_import")
    if database == "postgres":
        harness.psql(pg_url, "DROP DATABASE IF EXISTS juara_bench_import")
        harness.psql(pg_url, "CREATE DATABASE juara_bench_import")
    records = inproc(["import_xlsx"], size, database, url, quick, scratch=scratch)
    for r in records:
        log(f"  {r['name']}: {r['rows_per_s']} rows/s vs {r['baseline_rows_per_s']} rows/s plain insert")
    return records


_MIXED_DONE: set[str] = set()


def mixed_case(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
    """bench/load.py: anonymous readers, contributors, a verifier and editors against 2 workers, 20 and 50
    clients, then every acknowledged write checked in the database. It makes its own database (10 000
    demo achievements), so it runs once per database whatever the sizes."""
    if database in _MIXED_DONE:
        return []
    _MIXED_DONE.add(database)
    import tempfile

    seconds = 10 if quick else 15
    out = []
    for clients in (20, 50):
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            load_before = os.getloadavg()[0]
            proc = subprocess.run(  # noqa: S603 - our own module
                [harness.PYTHON, "-m", "bench.load", "--db", database, "--duration", str(seconds),
                 "--concurrency", str(clients), "--workers", "2", "--seed", "10000", "--json", tmp.name,
                 "--pg-url", os.environ.get("BENCH_POSTGRES_URL", harness.DEFAULT_PG)],
                cwd=harness.ROOT, capture_output=True, text=True, check=False,
                env={**os.environ, "JUARA_LOG_LEVEL": "WARNING"},
            )
            try:
                result = json.loads(Path(tmp.name).read_text())
            except ValueError:
                raise RuntimeError(f"load run failed: {proc.stdout[-800:]} {proc.stderr[-800:]}") from None
        ops = {o["op"]: o for o in result["operations"]}
        reads = [o for name, o in ops.items() if name.startswith("public")]
        writes = [o for name, o in ops.items() if name in ("create", "submit", "verify", "edit")]
        figures = {
            "clients": clients, "workers": 2, "seconds": seconds, "dataset": 10000,
            "rps": round(result["rps"], 1), "p99_ms": round(result["p99_ms"], 1), "errors": result["errors"],
            "read_p99_ms": round(max((o["p99_ms"] for o in reads), default=0), 1),
            "write_p99_ms": round(max((o["p99_ms"] for o in writes), default=0), 1),
            "healthz_p50_ms": round(result["healthz"]["p50_ms"], 2),
            "healthz_p99_ms": round(result["healthz"]["p99_ms"], 2),
            "lost_writes": len(result["check"]["problems"]), "problems": result["check"]["problems"],
            "writes_checked": {k: result["check"][k] for k in ("achievements_created", "achievements_found",
                                                               "verified", "press_releases", "releases_edited")},
            "operations": {name: {k: round(o[k], 1) for k in ("rps", "p50_ms", "p99_ms")} | {"errors": o["errors"]}
                           for name, o in ops.items()},
            "load_average_before": round(load_before, 2), "load_average_after": round(result["load_average_at_end"], 2),
            "load_generator_cpu_seconds": round(result.get("load_generator_cpu_seconds", 0.0), 2),
        }
        out.append(make_record(f"mixed_{clients}c", size, database, result["p50_ms"], None, **figures).as_json())
        log(f"  mixed {clients} clients: {result['rps']:.0f} req/s, p99 {result['p99_ms']:.0f} ms (reads "
            f"{figures['read_p99_ms']}, writes {figures['write_p99_ms']}), /healthz p99 {figures['healthz_p99_ms']} ms, "
            f"{result['errors']} errors, problems {result['check']['problems'] or 'none'}; load {load_before:.1f}")
    return out


def in_process(name: str) -> Callable[[int, str, str, bool], list[dict[str, Any]]]:
    def run(size: int, database: str, url: str, quick: bool) -> list[dict[str, Any]]:
        records = inproc([name], size, database, url, quick)
        for r in records:
            log(f"  {r['name']}: {r['median_ms']} ms vs {r['baseline_median_ms']} ms baseline (×{r['ratio']})")
        return records

    return run


RUNNERS: dict[str, Callable[[int, str, str, bool], list[dict[str, Any]]]] = {
    "achievements_page": achievements_page,
    "stats": stats_case,
    "press_generate": in_process("press_generate"),
    "import_xlsx": import_case,
    "export_csv": in_process("export_csv"),
    "throughput": throughput_case,
    "mixed": mixed_case,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 000 achievements only, short runs")
    parser.add_argument("--sizes", help="comma-separated dataset sizes (default 10000,1000000)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--cases", default=",".join(ALL_CASES))
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", harness.DEFAULT_PG))
    parser.add_argument("--out", default=str(harness.RESULTS))
    parser.add_argument("--merge", action="store_true",
                        help="keep the records of other cases already in --out (one run per group of cases)")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in (args.sizes or ("10000" if args.quick else "10000,1000000")).split(",")]
    databases = args.databases.split(",")
    cases = [c for c in args.cases.split(",") if c]
    os.environ["BENCH_POSTGRES_URL"] = args.postgres_url
    if "postgres" in databases and not harness.pg_reachable(args.postgres_url):
        log(f"PostgreSQL at {args.postgres_url} is not reachable: SQLite only")
        databases = [d for d in databases if d != "postgres"]
    meta = harness.machine(args.postgres_url if "postgres" in databases else None)
    meta.update({"mode": "quick" if args.quick else "full", "sizes": sizes, "databases": databases,
                 "command": " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])])})
    log(f"machine: {meta}")
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    for database in databases:
        for size in sizes:
            url = harness.ensure_dataset(database, size, args.postgres_url, log)
            for name in cases:
                log(f"{name} · {size} · {database}")
                try:
                    records.extend(RUNNERS[name](size, database, url, args.quick))
                except subprocess.CalledProcessError as exc:
                    log(f"  failed: {exc.stderr[-1500:] if exc.stderr else exc}")
                    records.append(make_record(name, size, database, None, None, error=str(exc)[-300:]).as_json())
                except Exception as exc:  # noqa: BLE001 - one failing case must not lose the others' results
                    log(f"  failed: {type(exc).__name__}: {exc}")
                    records.append(make_record(name, size, database, None, None,
                                               error=f"{type(exc).__name__}: {exc}"[:300]).as_json())
    if args.merge and Path(args.out).exists():
        previous = json.loads(Path(args.out).read_text())
        fresh = {(r["name"], r["size"], r["database"]) for r in records}
        records = [r for r in previous["records"] if (r["name"], r["size"], r["database"]) not in fresh] + records
        meta["command"] = f"{previous['machine'].get('command')}; then {meta['command']}"
        meta["earlier_run"] = {k: previous["machine"].get(k) for k in ("date", "load_average_at_start",
                                                                       "load_average_at_end", "seconds")}
    meta["load_average_at_end"] = os.getloadavg()[0]
    meta["seconds"] = round(time.perf_counter() - started, 1)
    harness.write_results(records, meta, path=harness.Path(args.out))
    log(f"wrote {args.out} ({len(records)} records) in {meta['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
