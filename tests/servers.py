"""Real `juara serve` processes: on the test database (multi-process and crash tests), or each on a database
of its own (`own_server`: the attacks of tests/test_live_*.py), with a watch on /healthz while something runs."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
JUARA = str(Path(sys.executable).parent / "juara")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `juara serve` process bound to 127.0.0.1; `kill()` sends SIGKILL, as a crash would."""

    def __init__(self, database_url: str, workers: int = 1, env: dict[str, str] | None = None):
        self.database_url = database_url
        self.workers = workers
        self.env = env or {}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_seconds: float = 60) -> Server:
        env = {**os.environ, "DATABASE_URL": self.database_url, "JUARA_LOG_LEVEL": "WARNING",
               "JUARA_RESPONSE_CACHE": "0", **self.env}
        # A file, not a pipe: a pipe nobody reads would block the server once full.
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [JUARA, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy")

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn and its workers): no shutdown, no cleanup."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._close_log()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def _close_log(self) -> None:
        log = getattr(self, "log", None)
        if log is not None:
            log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_text(self) -> str:
        """What the server wrote to stderr so far."""
        log = getattr(self, "log", None)
        if log is None or log.closed:
            return ""
        log.seek(0)
        return log.read().decode("utf-8", "replace")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far (one worker: uvicorn runs in it)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_async(coro):
    """Run a coroutine to its end on a loop of its own (fixtures may run while the tests' loop exists)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextlib.contextmanager
def own_database(directory: Path) -> Iterator[str]:
    """A database of its own, empty: a SQLite file in `directory`, or with JUARA_TEST_BACKEND=postgres a new
    database on TEST_DATABASE_URL's server, dropped afterwards (the test run's database stays untouched)."""
    from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database

    if BACKEND != "postgres":
        yield f"sqlite://{directory / 'juara-live.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL", "")
    assert base, "JUARA_TEST_BACKEND=postgres needs TEST_DATABASE_URL"
    url, name = _run_async(_create_pg_database(base))
    try:
        yield url
    finally:
        _run_async(_drop_pg_database(base, name))


def juara(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    """Run a `juara` command; its output, or an AssertionError with what it wrote."""
    done = subprocess.run([JUARA, *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"juara {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout + done.stderr


@contextlib.contextmanager
def own_server(directory: Path, *, seed: int | None = None, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`juara serve` on a database of its own, migrated (`juara migrate`) or with `seed` demo achievements
    (`juara seed-demo -n seed`: the demo accounts, password service.demo.DEMO_PASSWORD); stopped afterwards."""
    with own_database(directory) as url:
        base_env = {"DATABASE_URL": url, "JUARA_EVIDENCE_DIR": str(directory / "evidence"),
                    "JUARA_NIK_KEY_FILE": str(directory / "nik.key"), "JUARA_LOG_LEVEL": "WARNING"}
        if seed is None:
            juara(["migrate"], base_env)
        else:
            juara(["seed-demo", "-n", str(seed)], base_env)
        server = Server(url, env={**base_env, **(env or {})})
        server.start()
        try:
            yield server
        finally:
            server.stop()


class HealthWatch:
    """Asks /healthz every `interval` seconds in a thread of its own while something else runs: `worst` is the
    slowest answer (a failure or a non-200 counts as the whole timeout), `samples` how many were asked."""

    def __init__(self, url: str, interval: float = 0.2, timeout: float = 30) -> None:
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = http.get(f"{self.url}/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.times.append(time.perf_counter() - started if ok else self.timeout)
                self._stop.wait(self.interval)

    @property
    def worst(self) -> float:
        return max(self.times, default=0.0)

    @property
    def samples(self) -> int:
        return len(self.times)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(self.timeout + 5)
