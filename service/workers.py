"""Worker threads for CPU-heavy work (password hashing, reading and writing spreadsheets, Word files), each
pool with a bounded queue, so that the event loop keeps answering (`/healthz` included) whatever runs."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from service.errors import DomainError

log = logging.getLogger("juara.workers")

T = TypeVar("T")

BUSY_MESSAGE = "Server sedang sibuk; coba lagi sebentar lagi."


class ServerBusy(DomainError):
    """A pool's queue is full: the caller is refused at once rather than queued without bound."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


class WorkerPool:
    """A few threads and a bounded number of waiting jobs. argon2 and calamine release the GIL while they
    work; openpyxl does not, but a thread still gives the loop its turn every few milliseconds."""

    def __init__(self, name: str, threads: int, queue: int) -> None:
        self.name = name
        self.threads = threads
        self.queue = queue
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.running = 0  # submitted and not finished (working or waiting for a thread)

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix=f"juara-{self.name}")
            return self._executor

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            if self.running >= self.threads + self.queue:
                log.warning("worker pool full", extra={"pool": self.name, "running": self.running})
                raise ServerBusy()
            self.running += 1
        # Counted until the thread is done, not until the caller stops waiting: a cancelled request's job
        # that already started still occupies its thread.
        job = self._pool().submit(functools.partial(fn, *args, **kwargs))
        job.add_done_callback(self._finished)
        return await asyncio.wrap_future(job)

    def _finished(self, _job: Any) -> None:
        with self._lock:
            self.running -= 1


# Hashing: short jobs, many at once under a login burst (each wrong password still costs one hash).
hashing = WorkerPool("hashing", threads=2, queue=64)
# Spreadsheets and Word files: long jobs, few at once.
files = WorkerPool("files", threads=2, queue=16)
