"""Imports as background jobs: the upload is stored, a row of `import_job` created and the request answered at
once; the file is then checked and written (one transaction, all or nothing, as `import_file` does) in a task
of the server process, which writes its progress to the row at most every FLUSH_SECONDS.

The row is the one source of truth: any worker process (`juara serve --workers 2`) answers `importJob` from
it. At most `import_jobs` jobs run at once per process; later ones wait QUEUED in it, at most
`import_jobs_queued` of them. A job whose process is gone (a crash, kill -9, a restart) is marked FAILED when
a server process starts (`recover_orphaned_jobs`), and its stored upload deleted.

On SQLite the write transaction holds the database's single write lock, so the row cannot move while the
rows are written: other processes see the job CHECKING at the end of its check until it is DONE.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service import deadlines
from service.clock import now
from service.config import get_settings
from service.enums import ImportJobStatus
from service.errors import DomainError, Forbidden, UserErrorCode, UserInputError
from service.imports.report import ImportReport, RowProblem
from service.imports.writing import _already_imported, _resolve_institution, check_file_kind, import_file
from service.models import ImportBatch, ImportJob
from service.security import Actor
from service.text import clean

log = logging.getLogger("juara.imports.jobs")

ACTIVE = (ImportJobStatus.QUEUED, ImportJobStatus.CHECKING, ImportJobStatus.WRITING)
FINISHED = (ImportJobStatus.DONE, ImportJobStatus.FAILED)
# Progress reaches the row at most this often; the heartbeat at least every HEARTBEAT_SECONDS.
FLUSH_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
# A job of another host whose heartbeat is older than this is taken for dead (a SQLite write holds the
# heartbeat back for as long as it runs, so this is generous).
STALE_SECONDS = 600
MAX_LISTED = 50

RESTART_MESSAGE = "Impor terhenti karena server dimulai ulang; unggah ulang berkasnya."
SHUTDOWN_MESSAGE = "Impor terhenti karena server dihentikan; unggah ulang berkasnya."
SERVER_ERROR_MESSAGE = ("Impor gagal karena kesalahan di server; tidak ada data yang disimpan. Coba lagi, "
                        "atau hubungi administrator bila terulang.")
QUEUE_FULL_MESSAGE = "Terlalu banyak impor sedang menunggu di server; coba lagi beberapa menit lagi."
CLOSING_MESSAGE = "Server sedang dihentikan; unggah berkasnya lagi sebentar lagi."
IN_PROGRESS_MESSAGE = "Berkas yang sama sedang diimpor; tunggu hingga impor itu selesai."


# --- the process running jobs -----------------------------------------------------------------------

_runner_id: tuple[int, str] | None = None


def runner_id() -> str:
    """host:pid:token of this process (the token tells a restarted process from the one it replaced)."""
    global _runner_id
    if _runner_id is None or _runner_id[0] != os.getpid():
        _runner_id = (os.getpid(), f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(6)}")
    return _runner_id[1]


def _runner_gone(runner: str, heartbeat: dt.datetime | None) -> bool:
    """Whether the process that ran or queued a job no longer does."""
    if runner == runner_id():
        return False
    if heartbeat is None or (now() - heartbeat).total_seconds() > STALE_SECONDS:
        return True
    host, _, rest = runner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:80] or not pid_text.isdigit():
        return False  # another machine's job with a recent heartbeat: its process may well be alive
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # this very pid, another token: the process this one replaced
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Jobs:
    """The jobs of this process: their tasks and the bound on how many run at once."""

    def __init__(self) -> None:
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._slots_loop: asyncio.AbstractEventLoop | None = None
        self.closing = False

    def slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots_loop is not loop:
            from service.db import dialect

            # SQLite has one writer: a second job's progress would wait for the first one's transaction.
            self._slots = asyncio.Semaphore(1 if dialect() == "sqlite" else get_settings().import_jobs)
            self._slots_loop = loop
        return self._slots


_jobs = _Jobs()


# --- the report kept with the job ---------------------------------------------------------------

def report_to_json(report: ImportReport) -> dict[str, Any]:
    return {
        "file_name": report.file_name, "sha256": report.sha256, "dry_run": report.dry_run,
        "institution_id": report.institution_id, "total_rows": report.total_rows,
        "valid_rows": report.valid_rows, "problem_count": report.problem_count,
        "problems": [{**asdict(p), "code": p.code.value} for p in report.problems],
        "row_numbers": report.row_numbers.tolist(), "achievement_ids": report.achievement_ids.tolist(),
        "persons_created": report.persons_created, "duplicate_hints": report.duplicate_hints,
        "batch_id": report.batch_id, "timings": report.timings,
    }


def report_from_json(data: dict[str, Any]) -> ImportReport:
    report = ImportReport(file_name=data["file_name"], sha256=data["sha256"], dry_run=data["dry_run"],
                          institution_id=data["institution_id"])
    report.total_rows = data["total_rows"]
    report.valid_rows = data["valid_rows"]
    report.problem_count = data["problem_count"]
    report.problems = [RowProblem(p["row"], p["column"], p["field"], UserErrorCode(p["code"]), p["message"])
                       for p in data["problems"]]
    report.row_numbers.fromlist(data["row_numbers"])
    report.achievement_ids.fromlist(data["achievement_ids"])
    report.persons_created = data["persons_created"]
    report.duplicate_hints = data["duplicate_hints"]
    report.batch_id = data["batch_id"]
    report.timings = data.get("timings") or {}
    return report


def job_report(job: ImportJob) -> ImportReport | None:
    return report_from_json(job.report) if job.report else None


# --- how far a job is -------------------------------------------------------------------------------

# Shares of an import's time, from `make import-100k` (docs/benchmarks.md): the check about a third, the rows'
# writes up to 70 %, then links, duplicate hints and aggregates, which report no progress of their own.
CHECK_SHARE, WRITTEN_SHARE = 30, 70


def job_percent(job: ImportJob) -> int | None:
    """0–100, or None while the number of rows is not known yet. A dry run is all checking; an import checks
    up to 30 %, writes its rows up to 70 %, and stays there while it finishes (duplicates, aggregates, the
    commit) until DONE."""
    if job.status == ImportJobStatus.DONE:
        return 100
    if job.status == ImportJobStatus.QUEUED:
        return 0
    if job.status == ImportJobStatus.FAILED:
        return None
    if not job.total_rows:
        return None
    share = min(job.processed_rows, job.total_rows) / job.total_rows
    if job.status == ImportJobStatus.CHECKING:
        return int(share * (100 if job.dry_run else CHECK_SHARE))
    return CHECK_SHARE + int(share * (WRITTEN_SHARE - CHECK_SHARE))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def job_message(job: ImportJob) -> str:
    """Where the job stands, in one sentence for the operator (the reason, when it FAILED)."""
    if job.status == ImportJobStatus.QUEUED:
        return "Menunggu giliran di server; impor dimulai sebentar lagi."
    if job.status == ImportJobStatus.CHECKING:
        if not job.dry_run and job.total_rows and job.processed_rows >= job.total_rows:
            return (f"Semua {_n(job.total_rows)} baris sudah diperiksa; menyimpan ke basis data (belum final sampai "
                    "selesai).")
        of = f" dari {_n(job.total_rows)}" if job.total_rows else ""
        return f"Memeriksa baris: {_n(job.processed_rows)}{of} baris sudah diperiksa."
    if job.status == ImportJobStatus.WRITING:
        if job.total_rows and job.processed_rows >= job.total_rows:
            return "Semua baris tersimpan sementara; memeriksa kemungkinan data ganda lalu menyelesaikan impor."
        of = f" dari {_n(job.total_rows)}" if job.total_rows else ""
        return f"Menyimpan: {_n(job.processed_rows)}{of} baris sudah ditulis (belum final sampai selesai)."
    if job.status == ImportJobStatus.FAILED:
        return job.error or SERVER_ERROR_MESSAGE
    report = job.report or {}
    problems = report.get("problem_count", 0)
    if problems:
        return (f"Selesai diperiksa: {_n(problems)} masalah ditemukan pada {_n(report.get('total_rows', 0))} baris; "
                "tidak ada data yang disimpan. Perbaiki berkasnya lalu unggah ulang.")
    if job.dry_run:
        return (f"Selesai diperiksa: {_n(report.get('total_rows', 0))} baris siap diimpor; belum ada yang "
                "disimpan.")
    return f"Selesai: {_n(len(report.get('achievement_ids', [])))} prestasi tersimpan sebagai DRAFT."


# --- reading jobs ----------------------------------------------------------------------------------

def _may_see(actor: Actor | None, job: ImportJob) -> bool:
    return actor is not None and (actor.user_id == job.owner_id or actor.can_manage)


async def get_job(actor: Actor | None, job_id: int) -> ImportJob | None:
    """The job, for its owner and administrators; None for anyone else (as for an absent one)."""
    if actor is None:
        return None
    job = await ImportJob.filter(id=job_id).first()
    return job if job is not None and _may_see(actor, job) else None


async def my_jobs(actor: Actor | None, first: int = 10) -> list[ImportJob]:
    """The caller's own jobs, newest first."""
    if actor is None:
        return []
    return await ImportJob.filter(owner_id=actor.user_id).order_by("-id").limit(max(0, min(first, MAX_LISTED)))


# --- starting a job ---------------------------------------------------------------------------------

async def _store_upload(read: Callable[[int], Any], target: Path) -> str:
    """Copy the upload within the size limit; its SHA-256."""
    limit = get_settings().max_upload_bytes
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as fh:  # noqa: ASYNC230 - local file, small chunks
        while True:
            chunk = await read(256 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UserInputError.one("file", UserErrorCode.TOO_LARGE,
                                         f"Berkas terlalu besar; ukuran maksimal {limit // (1024 * 1024) or 1} MB.")
            digest.update(chunk)
            fh.write(chunk)
    return digest.hexdigest()


def upload_path(job_id: int) -> Path:
    return get_settings().import_dir / f"job-{job_id}.upload"


async def start_import_job(actor: Actor | None, read: Callable[[int], Any], file_name: str | None,
                           institution_id: int | None, dry_run: bool) -> ImportJob:
    """Store the upload, create the job and schedule it; returns at once (status QUEUED).

    What can be refused without reading the rows is refused here, as a UserInputError: the institution, the
    size, the kind of file, a file already imported or being imported, a full queue."""
    if actor is None or not actor.can_contribute:
        raise Forbidden("Anda tidak berwenang mengimpor prestasi.")
    institution = await _resolve_institution(actor, institution_id)
    settings = get_settings()
    if _jobs.closing:
        raise UserInputError.one(None, UserErrorCode.RATE_LIMITED, CLOSING_MESSAGE)
    if len(_jobs.tasks) >= settings.import_jobs + settings.import_jobs_queued:
        raise UserInputError.one(None, UserErrorCode.RATE_LIMITED, QUEUE_FULL_MESSAGE)
    settings.import_dir.mkdir(parents=True, exist_ok=True)
    incoming = settings.import_dir / f"incoming-{secrets.token_hex(8)}"
    try:
        sha = await _store_upload(read, incoming)
        await check_file_kind(incoming)
        if await ImportBatch.filter(sha256=sha).exists():
            raise _already_imported()
        if not dry_run and await ImportJob.filter(sha256=sha, dry_run=False, status__in=ACTIVE).exists():
            raise UserInputError.one("file", UserErrorCode.DUPLICATE, IN_PROGRESS_MESSAGE)
        stamp = now()
        job = await ImportJob.create(
            owner_id=actor.user_id, institution_id=institution.id, file_name=(clean(file_name or "") or "impor")[:255],
            sha256=sha, dry_run=dry_run, status=ImportJobStatus.QUEUED, runner=runner_id(), heartbeat_at=stamp,
        )
        path = upload_path(job.id)
        try:
            incoming.replace(path)
        except OSError:
            await _finish(job.id, status=ImportJobStatus.FAILED, error=SERVER_ERROR_MESSAGE)
            raise
    finally:
        incoming.unlink(missing_ok=True)
    # The job outlives the request: it runs without the request's deadline (service/deadlines.py).
    context = contextvars.copy_context()
    context.run(deadlines.start, None)
    task = asyncio.get_running_loop().create_task(_run(job.id, actor, path, institution.id, job.file_name, dry_run),
                                                  name=f"import-job-{job.id}", context=context)
    _jobs.tasks[job.id] = task
    task.add_done_callback(functools.partial(_forget, job.id))
    log.info("import job queued", extra={"job_id": job.id, "dry_run": dry_run, "institution_id": institution.id})
    return job


def _forget(job_id: int, _task: asyncio.Task[None]) -> None:
    _jobs.tasks.pop(job_id, None)


# --- running a job ----------------------------------------------------------------------------------

class _Progress:
    """What the import reports (from the check thread and from the loop), read by the flusher."""

    def __init__(self, job_id: int | None = None, db: Any = None, dry_run: bool = False) -> None:
        self.job_id = job_id
        self.db = db
        self.dry_run = dry_run
        self.sqlite = db is not None and db.capabilities.dialect == "sqlite"
        self.status = ImportJobStatus.CHECKING
        self.processed = 0
        self.total: int | None = None
        self.checked = False  # the whole file has been checked
        self.version = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase == "validate":
            if self.status == ImportJobStatus.CHECKING:
                self.processed = done
            if total is not None:
                self.total = total
            if done == total and not self.checked:
                self.checked = True
                self.version += 1
                self._flush_from_thread()
                return
        elif self.checked:
            # Writing (on PostgreSQL also while the file is still being checked: that counts as checking).
            self.status = ImportJobStatus.WRITING
            self.processed = (self.total or 0) if phase == "duplicates" else done
        self.version += 1

    def _flush_from_thread(self) -> None:
        """The check is over: the row says so before the write begins (on SQLite the write transaction holds the
        database's write lock, and the row cannot move again until the import commits)."""
        if self.job_id is None or self.loop is None or threading.get_ident() == self.loop_thread:
            return
        update = _update(self.job_id, self.db, status=self.status, processed_rows=self.processed,
                         total_rows=self.total, heartbeat_at=now())
        try:
            asyncio.run_coroutine_threadsafe(update, self.loop).result(timeout=30)
        except Exception as exc:  # noqa: BLE001 - the flusher writes it later
            log.warning("import job progress not written", extra={"job_id": self.job_id,
                                                                    "error": type(exc).__name__})


async def _update(job_id: int, db: Any, **values: Any) -> int:
    """Change a job that is not finished yet (a late progress write never overwrites DONE or FAILED).

    `db` is the process's own connection, taken before the import began: never the import's transaction,
    which a coroutine handed over from the check thread would otherwise inherit (the row must move while the
    import runs, and stays written whatever becomes of it)."""
    return await ImportJob.filter(id=job_id, status__in=ACTIVE).using_db(db).update(**values)


async def _flush_progress(job_id: int, progress: _Progress) -> None:
    written = -1
    last_beat = time.monotonic()
    while True:
        await asyncio.sleep(FLUSH_SECONDS)
        version = progress.version
        if version == written and time.monotonic() - last_beat < HEARTBEAT_SECONDS:
            continue
        if progress.checked and progress.sqlite and not progress.dry_run:
            # SQLite is writing the rows: the import's transaction holds the database's one write lock, and a
            # write here would only wait for it (holding this process's connection meanwhile). The row says
            # "all rows checked; saving" until the import ends.
            continue
        try:
            await _update(job_id, progress.db, status=progress.status, processed_rows=progress.processed,
                          total_rows=progress.total, heartbeat_at=now())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a missed progress write is retried at the next tick
            log.warning("import job progress not written", extra={"job_id": job_id, "error": type(exc).__name__})
            continue
        written = version
        last_beat = time.monotonic()


async def _run(job_id: int, actor: Actor, path: Path, institution_id: int, file_name: str, dry_run: bool) -> None:
    try:
        async with _jobs.slots():
            await _execute(job_id, actor, path, institution_id, file_name, dry_run)
    except asyncio.CancelledError:
        await _finish(job_id, status=ImportJobStatus.FAILED, error=SHUTDOWN_MESSAGE)
        raise
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)


async def _execute(job_id: int, actor: Actor, path: Path, institution_id: int, file_name: str,
                   dry_run: bool) -> None:
    from tortoise import connections

    db = connections.get("default")
    progress = _Progress(job_id, db, dry_run)
    progress.loop, progress.loop_thread = asyncio.get_running_loop(), threading.get_ident()
    if not await _update(job_id, db, status=ImportJobStatus.CHECKING, heartbeat_at=now()):
        return  # marked FAILED meanwhile (a start-up elsewhere took it for an orphan)
    flusher = asyncio.ensure_future(_flush_progress(job_id, progress))
    try:
        report = await import_file(actor, path, file_name, institution_id, dry_run, progress=progress)
    except UserInputError as exc:
        await _stop(flusher)
        await _finish(job_id, status=ImportJobStatus.FAILED, error=" ".join(p.message for p in exc.problems))
    except DomainError as exc:  # Forbidden, a full worker pool
        await _stop(flusher)
        await _finish(job_id, status=ImportJobStatus.FAILED, error=str(exc) or SERVER_ERROR_MESSAGE)
    except asyncio.CancelledError:
        await _stop(flusher)
        raise
    except Exception:
        log.exception("import job failed", extra={"job_id": job_id})
        await _stop(flusher)
        await _finish(job_id, status=ImportJobStatus.FAILED, error=SERVER_ERROR_MESSAGE)
    else:
        await _stop(flusher)
        await _finish(job_id, status=ImportJobStatus.DONE, report=report_to_json(report),
                      processed_rows=report.total_rows, total_rows=report.total_rows)
        log.info("import job done", extra={"job_id": job_id, "rows": report.total_rows,
                                           "problems": report.problem_count, "committed": report.committed})


async def _stop(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _finish(job_id: int, **values: Any) -> None:
    from tortoise import connections

    stamp = now()
    try:
        await _update(job_id, connections.get("default"), finished_at=stamp, heartbeat_at=stamp, **values)
    except Exception:
        # The row keeps its last progress; the next start-up of a server marks it FAILED.
        log.exception("import job outcome not written", extra={"job_id": job_id})


# --- start-up and shutdown ---------------------------------------------------------------------------

async def recover_orphaned_jobs() -> int:
    """Mark FAILED the jobs left QUEUED, CHECKING or WRITING by a process that is gone; how many."""
    failed = 0
    for job in await ImportJob.filter(status__in=ACTIVE):
        if not _runner_gone(job.runner, job.heartbeat_at):
            continue
        stamp = now()
        changed = await ImportJob.filter(id=job.id, runner=job.runner, status__in=ACTIVE).update(
            status=ImportJobStatus.FAILED, error=RESTART_MESSAGE, finished_at=stamp, heartbeat_at=stamp,
        )
        upload_path(job.id).unlink(missing_ok=True)
        failed += changed
    if failed:
        log.warning("import jobs of a stopped server marked failed", extra={"jobs": failed})
    # Uploads whose request died before its job was created.
    folder = get_settings().import_dir
    if folder.is_dir():
        for stray in folder.glob("incoming-*"):
            with contextlib.suppress(OSError):
                if time.time() - stray.stat().st_mtime > 3600:
                    stray.unlink()
    return failed


async def wait_idle(seconds: float = 60) -> None:
    """Wait until this process runs no job (tests, and the end of a shutdown)."""
    tasks = list(_jobs.tasks.values())
    if tasks:
        await asyncio.wait(tasks, timeout=seconds)


async def shutdown(grace_seconds: float = 5) -> None:
    """Server shutdown: no new jobs; the running ones get a moment, then are stopped and marked FAILED."""
    _jobs.closing = True
    try:
        tasks = list(_jobs.tasks.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=10)
    finally:
        _jobs.closing = False
