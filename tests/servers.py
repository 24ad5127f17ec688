"""Real `juara serve` processes on the test database, for multi-process and crash tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
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

    def start(self, wait_seconds: float = 30) -> Server:
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
