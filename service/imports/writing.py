"""Writing checked rows as DRAFTs in one transaction (all or nothing), and the entry points."""

from __future__ import annotations

import array
import asyncio
import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from tortoise.exceptions import IntegrityError

from service import audit, duplicates
from service.clock import now
from service.config import get_settings
from service.db import bulk_transaction, dialect, insert_rows
from service.directory import can_act_for
from service.enums import (
    AchievementStatus,
    EvidenceKind,
)
from service.errors import Forbidden, UserErrorCode, UserInputError
from service.imports.columns import DUPLICATE_CHUNK
from service.imports.readers import _is_xlsx
from service.imports.references import References, load_references
from service.imports.report import ImportReport
from service.imports.rows import NewPerson, Progress, _spooled_batches, validate_file
from service.models import ImportBatch, Institution
from service.security import Actor
from service.text import clean

log = logging.getLogger("juara.imports")




# --- writing -------------------------------------------------------------------------------------------

_ACHIEVEMENT_COLUMNS = (
    "id", "title", "event_name", "organizer", "level", "level_order", "rank", "rank_label", "category_id",
    "category_root_id", "date", "location", "description", "achiever_kind", "kecamatan_id", "desa_id",
    "institution_id", "institution_kind", "status", "created_at", "updated_at", "created_by_id", "version",
)


async def _reserve_ids(conn: Any, table: str, n: int) -> list[int]:
    """Ids for rows inserted in bulk, known before the insert so that links can refer to them."""
    if n == 0:
        return []
    if dialect() == "postgres":
        rows = await conn.execute_query_dict(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)", [n]
        )
        return [r["id"] for r in rows]
    # SQLite: the transaction already holds the write lock (the batch row was inserted first).
    top = (await conn.execute_query_dict(f"SELECT COALESCE(MAX(id), 0) AS top FROM {table}"))[0]["top"]
    seq = await conn.execute_query_dict("SELECT seq FROM sqlite_sequence WHERE name = ?", [table])
    start = max(top, seq[0]["seq"] if seq else 0) + 1
    return list(range(start, start + n))


class _RowProblems(Exception):  # noqa: N818 - control flow: leaves the transaction so that it rolls back
    """Some row had a problem: the rows already written are rolled back."""


_LINK_COLUMNS = ("achievement_id", "person_id")
_URL_COLUMNS = ("achievement_id", "kind", "url", "uploaded_by_id", "created_at")
_PERSON_COLUMNS = ("id", "name", "institution_id", "kecamatan_id", "desa_id", "publication_consent", "role",
                   "consent_given_by", "consent_recorded_at", "created_at")


async def _check_and_write(actor: Actor, institution: Institution, path: Path, is_xlsx: bool, report: ImportReport,
                           spool: IO[bytes], new_persons: dict[str, NewPerson], refs: References,
                           progress: Progress | None) -> None:
    """Check the file and write its rows in one transaction. On PostgreSQL the two run at once: each batch of
    valid rows is written while the next is checked (the server works while Python reads); the first row
    problem stops the writing, the transaction is rolled back and the report returned, so nothing is kept.
    On SQLite the whole file is checked first, and nothing is begun when a row has a problem.

    Links to persons are written once the whole file is checked: new persons are created only then, with the
    publication consent of every row naming them.

    Long on purpose: the check thread, the queue between it and the writer, and the transaction share one
    state (what was written, whether a row had a problem) that must be unwound together on any failure."""
    loop = asyncio.get_running_loop()
    # A few batches in flight at most: the check waits for the writer rather than filling memory.
    pending: asyncio.Queue[list[tuple] | None] = asyncio.Queue(maxsize=4)

    def hand_over(batch: list[tuple]) -> None:
        asyncio.run_coroutine_threadsafe(pending.put(batch), loop).result()

    def check() -> None:
        try:
            validate_file(path, is_xlsx, refs, report, spool, new_persons, progress, on_batch=hand_over)
        finally:
            asyncio.run_coroutine_threadsafe(pending.put(None), loop).result()

    created_at = now()
    tail = (institution.id, institution.kind.value if hasattr(institution.kind, "value") else institution.kind,
            AchievementStatus.DRAFT.value, created_at, created_at, actor.user_id, 1)

    async def write_batch(conn: Any, rows: Sequence[tuple]) -> None:
        ids = await _reserve_ids(conn, "achievement", len(rows))
        achievements: list[list[Any]] = []
        urls: list[list[Any]] = []
        for aid, (_, values, _, row_urls) in zip(ids, rows, strict=True):
            report.achievement_ids.append(aid)
            achievements.append([aid, *values, *tail])
            urls.extend([aid, EvidenceKind.URL.value, u, actor.user_id, created_at] for u in row_urls)
        await insert_rows(conn, "achievement", _ACHIEVEMENT_COLUMNS, achievements)
        await insert_rows(conn, "evidence", _URL_COLUMNS, urls)
        if progress:
            progress("write", len(report.achievement_ids), report.valid_rows if not overlap else None)

    def checked() -> None:
        report.timings["check"] = time.perf_counter() - started
        if report.total_rows == 0 and not report.problem_count:
            raise UserInputError.one("file", UserErrorCode.REQUIRED, "Berkas tidak berisi baris data prestasi.")

    # PostgreSQL works in its own process, so the rows are written while the file is checked. SQLite works in
    # this process (its thread would contend with the check for the interpreter) and takes the database's
    # write lock at the first write: there the file is checked first, outside the transaction.
    overlap = dialect() == "postgres"
    started = time.perf_counter()
    if not overlap:
        await asyncio.to_thread(validate_file, path, is_xlsx, refs, report, spool, new_persons, progress)
        checked()
        if report.problem_count:
            return
    write_s = 0.0
    try:
        async with bulk_transaction() as conn:
            try:
                batch = await ImportBatch.create(
                    sha256=report.sha256, file_name=report.file_name, institution_id=institution.id,
                    row_count=report.total_rows, created_count=report.valid_rows, persons_created=len(new_persons),
                    created_by_id=actor.user_id, using_db=conn,
                )
            except IntegrityError as exc:
                raise _already_imported() from exc
            if overlap:
                checking = asyncio.ensure_future(asyncio.to_thread(check))
                try:
                    while (rows := await pending.get()) is not None:
                        if report.problem_count:
                            continue  # rolled back below; the check goes on to list every problem
                        lap = time.perf_counter()
                        await write_batch(conn, rows)
                        write_s += time.perf_counter() - lap
                finally:
                    # Whatever happened here, the check thread is not left blocked on a full queue.
                    while not checking.done():
                        while not pending.empty():
                            pending.get_nowait()
                        await asyncio.wait([checking], timeout=0.05)
                await checking  # a whole-file problem (no header, too many rows) is raised here
                checked()
                if report.problem_count:
                    raise _RowProblems
            else:
                lap = time.perf_counter()
                for spooled in _spooled_batches(spool):
                    await write_batch(conn, spooled)
                write_s += time.perf_counter() - lap
            started = time.perf_counter()
            new_ids = await _write_rest(actor, institution, report, spool, new_persons, refs, progress, conn, batch,
                                        created_at)
            report.timings["write"] = write_s + time.perf_counter() - started
            await _finish(actor, institution, report, new_persons, new_ids, progress, conn, batch)
    except _RowProblems:
        report.achievement_ids = array.array("q")
        report.batch_id = None


async def _write_rest(actor: Actor, institution: Institution, report: ImportReport, spool: IO[bytes],
                      new_persons: dict[str, NewPerson], refs: References, progress: Progress | None,
                      conn: Any, batch: ImportBatch, created_at: dt.datetime) -> list[int]:
    """After the check: the batch's counts, the new persons, and the links of every row to its persons."""
    if (batch.row_count, batch.created_count, batch.persons_created) != (
        report.total_rows, report.valid_rows, len(new_persons)
    ):
        # Created while the file was still being checked.
        await ImportBatch.filter(id=batch.id).using_db(conn).update(
            row_count=report.total_rows, created_count=report.valid_rows, persons_created=len(new_persons),
        )
    person_ids = dict(refs.persons)
    new_ids = await _reserve_ids(conn, "person", len(new_persons))
    if new_persons:
        person_rows: list[list[Any]] = []
        for pid, (key, new) in zip(new_ids, new_persons.items(), strict=True):
            person_ids[key] = pid
            person_rows.append([pid, new.name, institution.id, refs.institution_kecamatan_id, refs.institution_desa_id,
                         new.consent, new.role, new.giver, created_at if new.consent else None, created_at])
        await insert_rows(conn, "person", _PERSON_COLUMNS, person_rows)
    ids = report.achievement_ids
    position = 0
    for rows in _spooled_batches(spool):
        links: list[list[int]] = []
        for parsed in rows:
            aid = ids[position]
            position += 1
            links.extend([aid, person_ids[k]] for k in dict.fromkeys(parsed.persons))
        await insert_rows(conn, "achievement_person", _LINK_COLUMNS, links)
    return new_ids


async def _finish(actor: Actor, institution: Institution, report: ImportReport,
                  new_persons: dict[str, NewPerson], new_ids: list[int], progress: Progress | None,
                  conn: Any, batch: ImportBatch) -> None:
    """Duplicate hints, the audit event and the aggregates, in the import's transaction."""
    if progress:
        progress("duplicates", 0, None)
    started = time.perf_counter()
    if report.achievement_ids:
        # Chunks of several thousand rows: each chunk reads the persons' achievements in its date window
        # once, which dominates the scan; memory stays bounded by the chunk, not by the file.
        report.duplicate_hints = await duplicates.refresh_new_rows(
            conn, institution.id, min(report.achievement_ids), max(report.achievement_ids), chunk=DUPLICATE_CHUNK
        )
    report.timings["duplicates"] = time.perf_counter() - started
    report.persons_created = len(new_persons)
    report.batch_id = batch.id
    await audit.record(
        actor, "achievement.import", "ImportBatch", batch.id,
        after={
            "file_name": report.file_name, "sha256": report.sha256, "institution_id": institution.id,
            "rows": report.total_rows, "created": report.created_count,
            "persons_created": report.persons_created,
            "duplicate_hints": report.duplicate_hints,
            "achievement_ids": list(report.achievement_ids), "person_ids": new_ids,
        },
        connection=conn,
    )
    started = time.perf_counter()
    await _after_bulk_change(conn, list(report.achievement_ids))
    report.timings["aggregates"] = time.perf_counter() - started


async def _after_bulk_change(conn: Any, achievement_ids: list[int]) -> None:
    """Rows written in bulk bypass the per-row hooks: they are counted into the dashboard aggregates at once,
    in the import's transaction (not a full rebuild, which costs minutes on a million-row registry)."""
    from service import stats

    if achievement_ids:
        await stats.add_to_aggregates(achievement_ids, conn)


def _already_imported() -> UserInputError:
    return UserInputError.one(
        "file", UserErrorCode.DUPLICATE,
        "Berkas yang sama persis sudah pernah diimpor; tidak ada data yang disimpan dua kali.",
    )


async def _resolve_institution(actor: Actor, institution_id: int | None) -> Institution:
    target = institution_id if institution_id is not None else actor.institution_id
    if target is None:
        raise UserInputError.one("institutionId", UserErrorCode.REQUIRED, "Pilih instansi pemilik data prestasi.")
    institution = await Institution.filter(id=target).first()
    if institution is None:
        raise UserInputError.one("institutionId", UserErrorCode.NOT_FOUND, "Instansi tidak ditemukan.")
    if not can_act_for(actor, institution):
        raise Forbidden("Anda hanya dapat mengimpor prestasi untuk instansi Anda dan instansi di bawahnya.")
    return institution


def _inspect(path: Path) -> tuple[int, bytes]:
    with open(path, "rb") as fh:
        return path.stat().st_size, fh.read(8)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


async def check_file_kind(path: Path) -> bool:
    """Whether the file is a workbook (else a CSV); a file too large, empty or of another kind is refused."""
    size, head = await asyncio.to_thread(_inspect, path)
    limit = get_settings().max_upload_bytes
    if size > limit:
        raise UserInputError.one("file", UserErrorCode.TOO_LARGE,
                                 f"Berkas terlalu besar; ukuran maksimal {limit // (1024 * 1024) or 1} MB.")
    if size == 0:
        raise UserInputError.one("file", UserErrorCode.REQUIRED, "Berkas kosong.")
    is_xlsx = _is_xlsx(head)
    if not is_xlsx and (head.startswith((b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8")) or b"\x00" in head):
        raise UserInputError.one(
            "file", UserErrorCode.UNSUPPORTED_TYPE,
            "Berkas harus berupa Excel (.xlsx) atau CSV dari templat impor; .xls lama: simpan ulang sebagai .xlsx.",
        )
    return is_xlsx


async def import_file(
    actor: Actor,
    path: Path,
    file_name: str,
    institution_id: int | None = None,
    dry_run: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a spreadsheet of achievements as DRAFTs of one institution: all rows or none.

    Row problems are returned in the report (nothing written); whole-file problems raise UserInputError."""
    institution = await _resolve_institution(actor, institution_id)
    is_xlsx = await check_file_kind(path)
    sha = await asyncio.to_thread(_hash_file, path)
    report = ImportReport(file_name=(clean(file_name) or "impor")[:255], sha256=sha, dry_run=dry_run,
                          institution_id=institution.id)
    if await ImportBatch.filter(sha256=sha).exists():
        raise _already_imported()
    refs = await load_references(institution)
    new_persons: dict[str, NewPerson] = {}
    with tempfile.TemporaryFile(prefix="juara-import-") as spool:
        if dry_run:
            started = time.perf_counter()
            await asyncio.to_thread(validate_file, path, is_xlsx, refs, report, spool, new_persons, progress)
            report.timings["check"] = time.perf_counter() - started
            if report.total_rows == 0 and not report.problem_count:
                raise UserInputError.one("file", UserErrorCode.REQUIRED, "Berkas tidak berisi baris data prestasi.")
        else:
            await _check_and_write(actor, institution, path, is_xlsx, report, spool, new_persons, refs, progress)
        if report.problem_count or dry_run:
            report.persons_created = len(new_persons)
            log.info("import checked", extra={"rows": report.total_rows, "problems": report.problem_count,
                                              "dry_run": dry_run})
            return report
    log.info("import committed", extra={"batch_id": report.batch_id, "rows": report.created_count,
                                        "duplicate_hints": report.duplicate_hints})
    return report


async def import_upload(actor: Actor, read: Callable[[int], Any], file_name: str | None,
                        institution_id: int | None, dry_run: bool) -> ImportReport:
    """An uploaded file (GraphQL multipart): copied to a temporary file within the size limit, then imported."""
    limit = get_settings().max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="juara-import-") as tmp:
        path = Path(tmp) / "upload"
        size = 0
        with open(path, "wb") as fh:  # noqa: ASYNC230 - local temporary file, small chunks
            while True:
                chunk = await read(256 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UserInputError.one("file", UserErrorCode.TOO_LARGE,
                                             f"Berkas terlalu besar; ukuran maksimal {limit // (1024 * 1024) or 1} MB.")
                fh.write(chunk)
        return await import_file(actor, path, file_name or "impor", institution_id, dry_run)


