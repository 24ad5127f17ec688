"""Shared benchmark pieces: timing, machine facts, datasets, a real uvicorn server, SQL counting, results."""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results.json"
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
SEED = 3303


@dataclass
class Record:
    """One line of bench/results.json."""

    name: str
    size: int
    database: str
    median_ms: float | None
    baseline_median_ms: float | None
    ratio: float | None
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        extra = out.pop("figures")
        out.update(extra)
        return out


def make_record(name: str, size: int, database: str, median_ms: float | None, baseline_ms: float | None,
                **figures: Any) -> Record:
    ratio = round(median_ms / baseline_ms, 2) if median_ms and baseline_ms else None
    return Record(name, size, database, _round(median_ms), _round(baseline_ms), ratio, figures)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --- timing ------------------------------------------------------------------------------------

def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_sync(fn: Callable[[], Any], *, warmup: int, repeat: int) -> list[float]:
    """Seconds per call of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


async def time_async(fn: Callable[[], Awaitable[Any]], *, warmup: int, repeat: int) -> list[float]:
    for _ in range(warmup):
        await fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(pairs: dict[str, Callable[[], Any]], *, warmup: int, repeat: int) -> dict[str, list[float]]:
    """Time several callables round-robin, so that a burst of load on a shared machine hits them alike."""
    for fn in pairs.values():
        for _ in range(warmup):
            fn()
    samples: dict[str, list[float]] = {k: [] for k in pairs}
    for _ in range(repeat):
        for key, fn in pairs.items():
            start = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - start)
    return samples


# --- the machine -------------------------------------------------------------------------------

def machine(pg_url: str | None) -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem_gb = round(kb / 1024 / 1024, 1)
    pg_version = None
    if pg_url:
        with contextlib.suppress(Exception):
            pg_version = psql(pg_url, "SHOW server_version").strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "load_average_at_start": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# --- databases and datasets --------------------------------------------------------------------

def psql(url: str, sql: str) -> str:
    return subprocess.run(  # noqa: S603 - psql on the benchmark database
        ["psql", "-X", "-qAt", url, "-c", sql], check=True, capture_output=True, text=True,  # noqa: S607
    ).stdout


def pg_reachable(url: str) -> bool:
    try:
        psql(url, "SELECT 1")
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def dataset_url(database: str, size: int, pg_url: str) -> str:
    if database == "sqlite":
        return f"sqlite://{VAR / f'juara-{size}.sqlite3'}"
    return with_database(pg_url, f"juara_bench_{size}")


def migrations_head() -> str:
    names = sorted(p.name for p in (ROOT / "service" / "migrations").glob("0*.py"))
    return names[-1] if names else ""


def _stamp_path(database: str, size: int) -> Path:
    return VAR / f"{database}-{size}.stamp"


def _count_achievements(url: str) -> int | None:
    try:
        if url.startswith("sqlite://"):
            path = url[len("sqlite://"):]
            if not Path(path).exists():
                return None
            with contextlib.closing(sqlite3.connect(path)) as conn:
                return conn.execute("SELECT count(*) FROM achievement").fetchone()[0]
        return int(psql(url, "SELECT count(*) FROM achievement").strip())
    except Exception:  # noqa: BLE001 - a missing database or table means "not seeded"
        return None


def ensure_dataset(database: str, size: int, pg_url: str, log: Callable[[str], None]) -> str:
    """A database holding exactly `size` demo achievements (the seed-demo bulk path), reused across runs."""
    url = dataset_url(database, size, pg_url)
    stamp = _stamp_path(database, size)
    # The migrations bring an older dataset forward (`juara migrate` below): a new migration does not reseed.
    want = f"{size}:{SEED}"
    if stamp.exists() and stamp.read_text().split(":")[:2] == want.split(":") and _count_achievements(url) == size:
        # Idempotent and quick: installs whatever set-up the current code expects of a migrated database.
        subprocess.run([PYTHON, "-m", "web.cli", "migrate"], check=True, cwd=ROOT,  # noqa: S603
                       env={**os.environ, "DATABASE_URL": url, "JUARA_LOG_LEVEL": "WARNING"},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return url
    VAR.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite://"):] + suffix).unlink(missing_ok=True)
    else:
        name = url.rpartition("/")[2]
        psql(pg_url, f"DROP DATABASE IF EXISTS {name}")
        psql(pg_url, f"CREATE DATABASE {name}")
    log(f"seeding {size} achievements on {database} …")
    started = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url, "JUARA_LOG_LEVEL": "WARNING"}
    subprocess.run([PYTHON, "-m", "web.cli", "seed-demo", "--achievements", str(size)],  # noqa: S603
                   check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if database == "postgres":
        psql(url, "VACUUM ANALYZE")
    else:
        with contextlib.closing(sqlite3.connect(url[len("sqlite://"):])) as conn:
            conn.execute("ANALYZE")
    stamp.write_text(want)
    log(f"  seeded in {time.perf_counter() - started:.1f} s")
    return url


# --- a real server -----------------------------------------------------------------------------

def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(url: str, workers: int = 1, asgi_app: str | None = None, cache: bool = True) -> Iterator[int]:
    """`juara serve --workers N` (or uvicorn on another ASGI app) on 127.0.0.1 and a free port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "JUARA_LOG_LEVEL": "WARNING",
           "JUARA_RESPONSE_CACHE": "1" if cache else "0"}
    if asgi_app is None:
        command = [PYTHON, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    else:
        # uvicorn as `juara serve` runs it (TCP_NODELAY on every connection, see web/http_protocol.py).
        command = [PYTHON, "-c", "import sys, uvicorn; from web.http_protocol import NoDelayH11Protocol; "
                   "uvicorn.run(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), workers=int(sys.argv[3]), "
                   "log_level='warning', access_log=False, http=NoDelayH11Protocol)", asgi_app, str(port), str(workers)]
    VAR.mkdir(parents=True, exist_ok=True)
    log_file = open(VAR / "server.log", "ab")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(  # noqa: S603 - our own commands
        command, env=env, stdout=log_file, stderr=log_file, start_new_session=True, cwd=ROOT,
    )
    try:
        _wait_ready(port, proc)
        global LAST_SERVER_SESSION
        LAST_SERVER_SESSION = proc.pid
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()


LAST_SERVER_SESSION = 0


def session_cpu_seconds(session: int) -> float:
    """User+system CPU of every live process of a session (the server and its workers), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session:  # field 6 of stat: the session id
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {VAR / 'server.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become ready")


class GraphQLClient:
    """One keep-alive HTTP/1.1 connection (stdlib http.client: the cheapest client in Python)."""

    def __init__(self, port: int) -> None:
        import http.client

        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}})
        self.conn.request("POST", "/graphql", body=body, headers={"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}: {data[:500]!r}")
        out = json.loads(data)
        if out.get("errors"):
            raise RuntimeError(f"GraphQL errors: {out['errors']}")
        return out

    def close(self) -> None:
        self.conn.close()


# --- counting SQL statements -------------------------------------------------------------------

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("bench_sql_depth", default=0)


class SqlCounter:
    """Counts statements sent through Tortoise's clients (nested calls count once)."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []
        self._patched: list[tuple[type, str, Any]] = []

    def __enter__(self) -> SqlCounter:
        from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
        from tortoise.backends.sqlite.client import SqliteClient

        from service.sqlite_backend import ImmediateSqliteClient, _StatementRowCount

        classes: list[type] = [SqliteClient, AsyncpgDBClient, TransactionWrapper, _StatementRowCount,
                               ImmediateSqliteClient]
        with contextlib.suppress(ImportError):
            from tortoise.backends.sqlite.client import SqliteTransactionWrapper

            classes.append(SqliteTransactionWrapper)
        for cls in classes:
            for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many"):
                original = cls.__dict__.get(name)
                if original is None:
                    continue
                self._patched.append((cls, name, original))
                setattr(cls, name, self._wrap(original))
        return self

    def _wrap(self, original: Any) -> Any:
        counter = self

        async def wrapper(client: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            depth = _depth.get()
            if depth == 0:
                counter.count += 1
                counter.statements.append(re.sub(r"\s+", " ", str(query))[:300])
            token = _depth.set(depth + 1)
            try:
                return await original(client, query, *args, **kwargs)
            finally:
                _depth.reset(token)

        return wrapper

    def __exit__(self, *exc: Any) -> None:
        for cls, name, original in reversed(self._patched):
            setattr(cls, name, original)
        self._patched.clear()


# --- results -----------------------------------------------------------------------------------

def write_results(records: list[dict[str, Any]], meta: dict[str, Any], path: Path = RESULTS) -> None:
    payload = {"machine": meta, "records": records}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
