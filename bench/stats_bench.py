"""Dashboard stats benchmark: `stats` over HTTP against the raw GROUP BY, 10k/100k/1M rows, SQLite and PostgreSQL.

Usage: .venv/bin/python bench/stats_bench.py [--sizes 10000,100000,1000000] [--databases sqlite,postgres]
       [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--repeat 15] [--fresh]

Datasets are seeded in bulk (executemany / COPY) with verified achievements spread like real data (schools,
village governments and agencies in all 18 kecamatan; 2016–2026; levels and ranks skewed toward the common ones),
then the aggregate tables are rebuilt once. Each dataset is kept under var/bench (SQLite) or in a database
juara_stats_<size> (PostgreSQL) and reused while its row count matches; --fresh reseeds.
The CSV export's memory is measured in a child process at 10k and 100k rows (tracemalloc peak).
Results: a table on stdout and bench/stats_results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "stats_results.json"
sys.path.insert(0, str(ROOT))

LEVELS = ["DESA", "KECAMATAN", "KABUPATEN", "KARESIDENAN", "PROVINSI", "NASIONAL", "INTERNASIONAL"]
LEVEL_WEIGHTS = [10, 25, 30, 5, 18, 10, 2]
RANKS = ["JUARA_1", "JUARA_2", "JUARA_3", "JUARA_HARAPAN_1", "JUARA_HARAPAN_2", "JUARA_HARAPAN_3",
         "MEDALI_EMAS", "MEDALI_PERAK", "MEDALI_PERUNGGU", "FINALIS", "PENGHARGAAN"]
RANK_WEIGHTS = [20, 17, 15, 8, 6, 4, 5, 5, 5, 5, 10]
KINDS = [("SEKOLAH", 55), ("PEMERINTAH_DESA", 20), ("PUSKESMAS", 5), ("KECAMATAN", 4), ("ORGANISASI", 8),
         ("DUNIA_USAHA", 4), ("LAINNYA", 4)]
FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)

STATS_QUERY = """query($f: StatsFilter) { stats(filter: $f) {
  total byKecamatan { kecamatan { code } count points } byLevel { key count points }
  byCategory { key count points } byYear { key count points } } }"""

# The scenarios measured: the GraphQL filter, and the WHERE of the raw query over the achievement table.
SCENARIOS = [
    ("all", None, "status = 'VERIFIED'"),
    ("year+level", {"year": 2025, "level": "PROVINSI"},
     "status = 'VERIFIED' AND date >= '2025-01-01' AND date <= '2025-12-31' AND level = 'PROVINSI'"),
    ("dateRange", {"dateFrom": "2024-03-15", "dateTo": "2025-09-14"},
     "status = 'VERIFIED' AND date >= '2024-03-15' AND date <= '2025-09-14'"),
]


def raw_queries(database: str, where: str) -> list[str]:
    """The same numbers the API returns, as GROUP BYs over the achievement rows (points need level and rank)."""
    year = "CAST(EXTRACT(YEAR FROM date) AS INTEGER)" if database == "postgres" else "CAST(strftime('%Y', date) AS INTEGER)"
    if database == "postgres":
        where = where.replace("date >= '", "date >= DATE '").replace("date <= '", "date <= DATE '")
    return [
        f"SELECT COUNT(*) FROM achievement WHERE {where}",
        f"SELECT kecamatan_id, level, rank, COUNT(*) FROM achievement WHERE {where} GROUP BY kecamatan_id, level, rank",
        f"SELECT level, rank, COUNT(*) FROM achievement WHERE {where} GROUP BY level, rank",
        f"SELECT category_root_id, level, rank, COUNT(*) FROM achievement WHERE {where} "
        "GROUP BY category_root_id, level, rank",
        f"SELECT {year}, level, rank, COUNT(*) FROM achievement WHERE {where} GROUP BY 1, level, rank",
    ]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pg_database_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def dataset_url(database: str, size: int, pg_url: str) -> str:
    if database == "sqlite":
        return f"sqlite://{VAR / f'stats-{size}.sqlite3'}"
    return pg_database_url(pg_url, f"juara_stats_{size}")


# --- preparing a dataset (in a child process: one Tortoise init per process) -------------------------

# A dataset is complete when its aggregates were rebuilt after the insert.
COUNT_SQL = (
    "SELECT (SELECT COUNT(*) FROM achievement WHERE status = 'VERIFIED'), "
    "(SELECT COALESCE(SUM(count), 0) FROM achievement_stat_yearly WHERE status = 'VERIFIED')"
)


async def _count(url: str) -> int | None:
    try:
        if url.startswith("sqlite://"):
            path = url[len("sqlite://"):]
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                rows, cells = conn.execute(COUNT_SQL).fetchone()
                return rows if rows == cells else None
        import asyncpg

        conn = await asyncpg.connect(url, timeout=5)
        try:
            rows, cells = await conn.fetchrow(COUNT_SQL)
            return rows if rows == cells else None
        finally:
            await conn.close()
    except Exception:  # noqa: BLE001 - a missing or half-built dataset is simply rebuilt
        return None


async def _recreate(database: str, url: str, pg_url: str) -> None:
    if database == "sqlite":
        path = Path(url[len("sqlite://"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(path) + suffix)
        return
    import asyncpg

    name = urlparse(url).path.strip("/")
    conn = await asyncpg.connect(pg_url, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _achievement_rows(size: int, institutions: list[tuple], categories: list[tuple[int, int]], rnd: random.Random):
    days = (LAST_DAY - FIRST_DAY).days
    now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
    # A few institutions win much more often than most (Pareto-like weights).
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(institutions))]
    inst_choice = rnd.choices(institutions, weights=weights, k=size)
    levels = rnd.choices(range(len(LEVELS)), weights=LEVEL_WEIGHTS, k=size)
    ranks = rnd.choices(RANKS, weights=RANK_WEIGHTS, k=size)
    for i in range(size):
        inst_id, kind, kec_id, desa_id = inst_choice[i]
        cat_id, root_id = categories[(inst_id * 7 + rnd.randrange(4)) % len(categories)]
        level = levels[i]
        rank = ranks[i]
        date = FIRST_DAY + dt.timedelta(days=rnd.randrange(days))
        yield (
            f"Prestasi uji {i}", "Lomba uji", "Penyelenggara uji", LEVELS[level], level, rank,
            "Penghargaan uji" if rank == "PENGHARGAAN" else None, cat_id, root_id, date, "INSTITUTION",
            inst_id, kind, kec_id, desa_id, "VERIFIED", now, now, now, 1,
        )


COLUMNS = ["title", "event_name", "organizer", "level", "level_order", "rank", "rank_label", "category_id",
           "category_root_id", "date", "achiever_kind", "institution_id", "institution_kind", "kecamatan_id",
           "desa_id", "status", "verified_at", "created_at", "updated_at", "version"]


async def prepare(database: str, size: int, pg_url: str, fresh: bool) -> dict:
    url = dataset_url(database, size, pg_url)
    if not fresh and await _count(url) == size:
        log(f"{database} {size}: dataset present")
        return {"seeded": False}
    log(f"{database} {size}: seeding")
    await _recreate(database, url, pg_url)
    from service import db as dbmod
    from service import stats
    from service.models import Category, Desa, Kecamatan

    await dbmod.run_migrations(url)
    rnd = random.Random(3303)  # noqa: S311 - reproducible test data
    kecamatan = [k.id for k in await Kecamatan.all().order_by("code")]
    desa_by_kec: dict[int, list[int]] = {}
    for d in await Desa.all():
        desa_by_kec.setdefault(d.kecamatan_id, []).append(d.id)  # type: ignore[attr-defined]
    categories = [(c.id, c.parent_id) for c in await Category.filter(parent_id__isnull=False)]  # type: ignore[attr-defined]
    inst_rows = []
    for n in range(1500):
        if n % 25 == 0:
            inst_rows.append((f"Perangkat Daerah {n}", "PERANGKAT_DAERAH", None, None))
            continue
        kind = rnd.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        kec = rnd.choice(kecamatan)
        desa = rnd.choice(desa_by_kec[kec]) if kind == "PEMERINTAH_DESA" else None
        inst_rows.append((f"Instansi {n}", kind, kec, desa))
    conn = dbmod.connections.get("default")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for name, kind, kec, desa in inst_rows:
        await conn.execute_query(dbmod.sql(
            "INSERT INTO institution (name, kind, kecamatan_id, desa_id, path, created_at) VALUES (?, ?, ?, ?, '/', ?)"
        ), [name, kind, kec, desa, now.isoformat() if database == "sqlite" else now])
    await conn.execute_query("UPDATE institution SET path = '/' || CAST(id AS TEXT) || '/'")
    _, rows = await conn.execute_query("SELECT id, kind, kecamatan_id, desa_id FROM institution ORDER BY id")
    institutions = [tuple(r) for r in rows]
    await dbmod.close_db()

    started = time.perf_counter()
    rows_iter = _achievement_rows(size, institutions, categories, rnd)
    if database == "sqlite":
        path = url[len("sqlite://"):]
        with sqlite3.connect(path) as lite:
            marks = ", ".join("?" for _ in COLUMNS)
            chunk: list[tuple] = []
            for row in rows_iter:
                chunk.append(tuple(v.isoformat(sep=" ") if isinstance(v, dt.datetime) else
                                   v.isoformat() if isinstance(v, dt.date) else v for v in row))
                if len(chunk) >= 50_000:
                    lite.executemany(f"INSERT INTO achievement ({', '.join(COLUMNS)}) VALUES ({marks})", chunk)
                    chunk = []
            if chunk:
                lite.executemany(f"INSERT INTO achievement ({', '.join(COLUMNS)}) VALUES ({marks})", chunk)
            lite.commit()
    else:
        import asyncpg

        pg = await asyncpg.connect(url)
        try:
            await pg.copy_records_to_table("achievement", records=list(rows_iter), columns=COLUMNS)
        finally:
            await pg.close()
    insert_s = time.perf_counter() - started
    await dbmod.init_db(url)
    started = time.perf_counter()
    cells = await stats.rebuild_aggregates()
    rebuild_s = time.perf_counter() - started
    await dbmod.connections.get("default").execute_query("ANALYZE")
    await dbmod.close_db()
    log(f"{database} {size}: inserted in {insert_s:.1f} s, aggregates rebuilt in {rebuild_s:.2f} s, cells {cells}")
    return {"seeded": True, "insert_s": round(insert_s, 2), "rebuild_s": round(rebuild_s, 3), "cells": cells}


# --- measuring -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app under uvicorn (one worker) in a subprocess."""

    def __init__(self, url: str):
        self.url = url
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> str:
        # The anonymous response cache is off: the numbers are the cost of computing stats, not of a replay.
        env = {**os.environ, "DATABASE_URL": self.url, "JUARA_LOG_LEVEL": "warning", "JUARA_RESPONSE_CACHE": "0"}
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import httpx

        base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class RawRunner:
    """Runs the raw GROUP BYs over one persistent driver connection, as a dashboard backend would."""

    def __init__(self, database: str, url: str):
        self.database = database
        self.url = url
        self.loop = asyncio.new_event_loop()
        if database == "sqlite":
            self.lite = sqlite3.connect(url[len("sqlite://"):])
        else:
            import asyncpg

            self.pg = self.loop.run_until_complete(asyncpg.connect(url))

    def run(self, queries: list[str]) -> int:
        n = 0
        if self.database == "sqlite":
            for q in queries:
                n += len(self.lite.execute(q).fetchall())
            return n
        for q in queries:
            n += len(self.loop.run_until_complete(self.pg.fetch(q)))
        return n

    def close(self) -> None:
        if self.database == "sqlite":
            self.lite.close()
        else:
            self.loop.run_until_complete(self.pg.close())
        self.loop.close()


def measure(database: str, size: int, pg_url: str, repeat: int) -> list[dict]:
    import httpx

    url = dataset_url(database, size, pg_url)
    out = []
    with Server(url) as base, httpx.Client(base_url=base, timeout=120) as http:
        raw = RawRunner(database, url)
        try:
            for name, flt, where in SCENARIOS:
                queries = raw_queries(database, where)
                body = {"query": STATS_QUERY, "variables": {"f": flt}}

                def api_call(body=body) -> dict:
                    resp = http.post("/graphql", json=body)
                    data = resp.json()
                    assert "errors" not in data, data
                    return data["data"]["stats"]

                total_api = api_call()["total"]
                total_raw = raw.loop.run_until_complete(raw.pg.fetchval(queries[0])) if database == "postgres" \
                    else raw.lite.execute(queries[0]).fetchone()[0]
                assert total_api == total_raw, (name, total_api, total_raw)
                samples: dict[str, list[float]] = {"raw": [], "api": []}
                # At a million rows one raw round takes seconds: fewer, still interleaved, rounds.
                warmup = 3 if size < 1_000_000 else 1
                rounds = repeat if size < 1_000_000 else max(3, repeat // 3)
                for i in range(rounds + warmup):
                    order = ("raw", "api") if i % 2 == 0 else ("api", "raw")
                    for which in order:
                        started = time.perf_counter()
                        if which == "raw":
                            raw.run(queries)
                        else:
                            api_call()
                        if i >= warmup:
                            samples[which].append((time.perf_counter() - started) * 1000)
                raw_ms = statistics.median(samples["raw"])
                api_ms = statistics.median(samples["api"])
                row = {"rows": size, "database": database, "scenario": name, "total": total_api,
                       "raw_ms": round(raw_ms, 2), "api_ms": round(api_ms, 2), "ratio": round(api_ms / raw_ms, 3)}
                log(f"{database} {size} {name}: raw {raw_ms:.2f} ms, api {api_ms:.2f} ms, ratio {api_ms / raw_ms:.3f}")
                out.append(row)
        finally:
            raw.close()
    return out


# --- CSV export memory ----------------------------------------------------------------------------------

async def csv_memory(url: str) -> dict:
    import tracemalloc

    from service import db as dbmod
    from service.achievements import AchievementFilter
    from service.exports import csv_chunks

    await dbmod.init_db(url)
    try:
        tracemalloc.start()
        started = time.perf_counter()
        produced = rows = 0
        async for chunk in csv_chunks(None, AchievementFilter()):
            produced += len(chunk)
            rows += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await dbmod.close_db()
    import resource

    return {"rows": rows - 1, "bytes": produced, "peak_traced_mib": round(peak / 2**20, 2),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "seconds": round(elapsed, 2)}


def child(args: list[str]) -> dict:
    proc = subprocess.run(  # noqa: S603
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False,
    )
    sys.stderr.write(proc.stderr[-4000:] if proc.returncode else "")
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
        print(line, flush=True)
    raise RuntimeError(f"child {args} failed with {proc.returncode}")


def pg_ok(pg_url: str) -> bool:
    async def check() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(pg_url, timeout=3)
            await conn.close()
            return True
        except Exception:  # noqa: BLE001
            return False

    return asyncio.run(check())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--child-prepare", nargs=2, metavar=("DATABASE", "SIZE"))
    parser.add_argument("--child-csv", metavar="URL")
    args = parser.parse_args()

    if args.child_prepare:
        result = asyncio.run(prepare(args.child_prepare[0], int(args.child_prepare[1]), args.pg_url, args.fresh))
        print("RESULT " + json.dumps(result))
        return
    if args.child_csv:
        print("RESULT " + json.dumps(asyncio.run(csv_memory(args.child_csv))))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    databases = args.databases.split(",")
    if "postgres" in databases and not pg_ok(args.pg_url):
        log(f"PostgreSQL unreachable at {args.pg_url}: measuring SQLite only")
        databases = [d for d in databases if d != "postgres"]
    rows, seeding, memory = [], {}, []
    for database in databases:
        for size in sizes:
            extra = ["--fresh"] if args.fresh else []
            seeding[f"{database}-{size}"] = child(
                ["--child-prepare", database, str(size), "--pg-url", args.pg_url, *extra]
            )
            rows.extend(measure(database, size, args.pg_url, args.repeat))
    if "sqlite" in databases:
        for size in [s for s in sizes if s <= 100_000]:
            result = child(["--child-csv", dataset_url("sqlite", size, args.pg_url)])
            memory.append(result)
            log(f"CSV export of {result['rows']} rows: {result['bytes'] / 2**20:.1f} MiB written, "
                f"peak Python memory {result['peak_traced_mib']} MiB, max RSS {result['max_rss_mib']} MiB")

    print()
    print("| rows | database | scenario | raw GROUP BY ms | API `stats` ms | ratio API/raw |")
    print("| ---: | --- | --- | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['rows']:,} | {r['database']} | {r['scenario']} | {r['raw_ms']:.2f} | {r['api_ms']:.2f} | {r['ratio']:.3f} |")
    if memory:
        print()
        print("| CSV export rows | bytes | peak traced MiB | max RSS MiB | seconds |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for m in memory:
            print(f"| {m['rows']:,} | {m['bytes']:,} | {m['peak_traced_mib']} | {m['max_rss_mib']} | {m['seconds']} |")
    RESULTS.write_text(json.dumps({
        "command": "make bench-stats",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version},
        "stats": rows, "seeding": seeding, "csv_export_memory": memory,
    }, indent=2) + "\n")
    log(f"results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
