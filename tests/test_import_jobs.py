"""Imports as background jobs: started at once, checked and written in the background (all or nothing), their
progress and report read over GraphQL by the owner and administrators, orphans failed at start-up."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys

import httpx

from schema.ids import encode_id
from service.clock import now
from service.config import get_settings
from service.enums import AchievementStatus, ImportJobStatus, Role
from service.imports import jobs
from service.models import Achievement, ImportBatch, ImportJob, Person
from tests.factories import make_institution, make_user
from tests.servers import Server
from tests.test_imports import CSRF, row, workbook_bytes

START = """
mutation($input: ImportAchievementsInput!) {
  startImportJob(input: $input) {
    job { id status processedRows totalRows percent message dryRun fileName finishedAt }
    errors { field code message }
  }
}
"""

JOB = """
query($id: ID!) {
  importJob(id: $id) {
    id status processedRows totalRows percent message dryRun createdAt finishedAt
    report {
      dryRun committed totalRows validRows createdCount problemCount
      problems { row column code message }
      rows { row status achievement { status } }
      batch { createdCount }
    }
  }
}
"""


def multipart(query: str, content: bytes, name: str, variables: dict) -> dict:
    return {
        "data": {"operations": json.dumps({"query": query, "variables": variables}),
                 "map": json.dumps({"0": ["variables.input.file"]})},
        "files": {"0": (name, content, "application/octet-stream")},
    }


async def start(client, login, content: bytes, *, dry_run=False, name="prestasi.xlsx", base="") -> dict:
    resp = await client.post(f"{base}/graphql", **multipart(START, content, name, {"input": {"file": None,
                                                                                              "dryRun": dry_run}}),
                             headers={**login.headers, **CSRF})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return body["data"]["startImportJob"]


async def read_job(client, login, job_id: str, base: str = "") -> dict | None:
    resp = await client.post(f"{base}/graphql", json={"query": JOB, "variables": {"id": job_id}},
                             headers=login.headers if login else {}, timeout=60)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return body["data"]["importJob"]


async def until(client, login, job_id: str, statuses=("DONE", "FAILED"), base: str = "") -> dict:
    """Poll the job until it reaches one of the statuses (within a generous bound)."""
    for _ in range(1200):
        job = await read_job(client, login, job_id, base)
        assert job is not None
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job still {job['status']}: {job}")


async def _school():
    school = await make_institution("SMP Negeri 1 Bobotsari")
    return school, await make_user(Role.CONTRIBUTOR, school)


async def test_a_job_goes_from_queued_to_done_with_its_report(client):
    school, login = await _school()
    content = workbook_bytes([row(), row(**{"Judul Prestasi": "Juara 2 Lomba Pidato"}),
                              row(**{"Judul Prestasi": "Juara 3 Lomba Pidato", "Nama Peserta": None,
                                     "Izin Publikasi Nama": None})])
    started = await start(client, login, content)
    assert started["errors"] == []
    job = started["job"]
    assert job["status"] == "QUEUED" and job["percent"] == 0 and job["dryRun"] is False
    assert job["fileName"] == "prestasi.xlsx" and job["finishedAt"] is None
    assert job["message"].startswith("Menunggu giliran")

    done = await until(client, login, job["id"])
    assert done["status"] == "DONE", done
    assert done["percent"] == 100 and done["processedRows"] == 3 and done["totalRows"] == 3
    assert done["finishedAt"] is not None
    assert done["message"] == "Selesai: 3 prestasi tersimpan sebagai DRAFT."
    report = done["report"]
    assert report["committed"] is True and report["createdCount"] == 3 and report["batch"]["createdCount"] == 3
    assert [r["status"] for r in report["rows"]] == ["CREATED"] * 3
    assert {r["achievement"]["status"] for r in report["rows"]} == {"DRAFT"}
    assert await Achievement.filter(institution_id=school.id, status=AchievementStatus.DRAFT).count() == 3
    assert await ImportBatch.all().count() == 1
    # The stored upload is gone once the job ended.
    assert not list(get_settings().import_dir.glob("*"))
    # The same file again is refused at once, without a job.
    again = await start(client, login, content)
    assert again["job"] is None and [e["code"] for e in again["errors"]] == ["DUPLICATE"]
    assert await ImportJob.all().count() == 1


async def test_row_problems_end_done_with_the_problems_and_nothing_written(client):
    _, login = await _school()
    content = workbook_bytes([row(), row(), row(**{"Tingkat": "Propinsi"}), row()])
    job = (await start(client, login, content))["job"]
    done = await until(client, login, job["id"])
    assert done["status"] == "DONE"
    report = done["report"]
    assert report["committed"] is False and report["createdCount"] == 0 and report["problemCount"] == 1
    assert report["problems"][0]["row"] == 4 and report["problems"][0]["column"] == "Tingkat"
    assert report["problems"][0]["message"].startswith("Baris 4, kolom Tingkat: 'Propinsi' tidak dikenal")
    assert done["message"].startswith("Selesai diperiksa: 1 masalah ditemukan pada 4 baris; tidak ada data")
    assert await Achievement.all().count() == 0
    assert await Person.all().count() == 0
    assert await ImportBatch.all().count() == 0


async def test_a_dry_run_as_a_job_checks_without_writing(client):
    _, login = await _school()
    content = workbook_bytes([row(), row(**{"Judul Prestasi": "Juara Harapan Lomba Pidato"})])
    job = (await start(client, login, content, dry_run=True))["job"]
    assert job["dryRun"] is True
    done = await until(client, login, job["id"])
    assert done["status"] == "DONE" and done["percent"] == 100
    report = done["report"]
    assert report["dryRun"] is True and report["committed"] is False
    assert report["validRows"] == 2 and report["createdCount"] == 0 and report["problemCount"] == 0
    assert [r["status"] for r in report["rows"]] == ["VALID", "VALID"]
    assert done["message"] == "Selesai diperiksa: 2 baris siap diimpor; belum ada yang disimpan."
    assert await Achievement.all().count() == 0
    # A dry run does not hold the file back: it can be imported afterwards.
    real = (await start(client, login, content))["job"]
    assert (await until(client, login, real["id"]))["report"]["createdCount"] == 2


async def test_a_file_that_cannot_be_imported_ends_failed_with_the_reason(client):
    _, login = await _school()
    job = (await start(client, login, b"nama,tanggal\nRina,2026-01-01\n", name="daftar.csv"))["job"]
    failed = await until(client, login, job["id"])
    assert failed["status"] == "FAILED" and failed["report"] is None and failed["percent"] is None
    assert failed["message"] == ("Baris judul kolom tidak ditemukan; gunakan templat impor "
                                 "(GET /templates/import-prestasi.xlsx).")
    assert failed["finishedAt"] is not None
    assert not list(get_settings().import_dir.glob("*"))


async def test_an_unexpected_failure_is_a_clear_message_not_a_traceback(client, monkeypatch):
    _, login = await _school()

    async def broken(*args, **kwargs):
        raise RuntimeError("connection reset by peer in module xyz")

    monkeypatch.setattr(jobs, "import_file", broken)
    job = (await start(client, login, workbook_bytes([row()])))["job"]
    failed = await until(client, login, job["id"])
    assert failed["status"] == "FAILED"
    assert failed["message"] == jobs.SERVER_ERROR_MESSAGE
    assert "Traceback" not in failed["message"] and "xyz" not in failed["message"]


async def test_files_refused_at_once_start_no_job(client):
    _, login = await _school()
    pdf = await start(client, login, b"%PDF-1.4\n1 0 obj<<>>endobj\n", name="bukti.pdf")
    assert pdf["job"] is None and [e["code"] for e in pdf["errors"]] == ["UNSUPPORTED_TYPE"]
    empty = await start(client, login, b"", name="kosong.csv")
    assert empty["job"] is None and [e["code"] for e in empty["errors"]] == ["REQUIRED"]
    assert await ImportJob.all().count() == 0
    assert not list(get_settings().import_dir.glob("*"))


async def test_only_the_owner_and_administrators_see_a_job(client, gql):
    school, login = await _school()
    colleague = await make_user(Role.CONTRIBUTOR, school)
    admin = await make_user(Role.ADMIN)
    verifier = await make_user(Role.VERIFIER)
    job = (await start(client, login, workbook_bytes([row()]), dry_run=True))["job"]
    await until(client, login, job["id"])

    assert await read_job(client, colleague, job["id"]) is None
    assert (await read_job(client, admin, job["id"]))["status"] == "DONE"
    node = "query($id: ID!) { node(id: $id) { id ... on ImportJob { status } } }"
    assert (await gql(node, {"id": job["id"]}, colleague))["data"]["node"] is None
    assert (await gql(node, {"id": job["id"]}, login))["data"]["node"]["status"] == "DONE"
    assert (await gql(node, {"id": job["id"]}))["data"]["node"] is None
    body = await gql("query($id: ID!) { importJob(id: $id) { id } }", {"id": job["id"]}, verifier, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql("query($id: ID!) { importJob(id: $id) { id } }", {"id": job["id"]}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    mine = "{ myImportJobs(first: 5) { id status } }"
    assert (await gql(mine, login=login))["data"]["myImportJobs"] == [{"id": job["id"], "status": "DONE"}]
    assert (await gql(mine, login=colleague))["data"]["myImportJobs"] == []
    # An id of another type is no job.
    assert await read_job(client, login, encode_id("Achievement", 1)) is None


async def test_progress_reaches_the_row_while_the_job_runs_and_others_wait_queued(client, monkeypatch):
    """A stand-in for import_file that stops halfway: the row shows where it is, a second job waits QUEUED."""
    _, login = await _school()
    halfway, go_on = asyncio.Event(), asyncio.Event()
    real_import = jobs.import_file

    async def paused(actor, path, file_name, institution_id, dry_run, progress):
        from service import deadlines

        assert deadlines._deadline.get() is None  # not bound by the deadline of the request that started it
        progress("validate", 500, 1000)
        halfway.set()
        await go_on.wait()
        progress("validate", 1000, 1000)
        progress("write", 400, 1000)
        return await real_import(actor, path, file_name, institution_id, dry_run, progress=progress)

    monkeypatch.setattr(jobs, "import_file", paused)
    monkeypatch.setattr(jobs, "_jobs", jobs._Jobs())  # a fresh pool of slots
    from dataclasses import replace

    from service.config import override_settings
    settings = get_settings()
    override_settings(replace(settings, import_jobs=1, import_jobs_queued=1))
    try:
        first = (await start(client, login, workbook_bytes([row()])))["job"]
        await asyncio.wait_for(halfway.wait(), 60)
        second = (await start(client, login, workbook_bytes([row(**{"Judul Prestasi": "Juara 2 Catur"})]),
                              dry_run=True))["job"]
        seen = await until(client, login, first["id"], statuses=("CHECKING",))
        for _ in range(1200):  # the flusher writes every half second
            if seen["processedRows"] == 500:
                break
            await asyncio.sleep(0.05)
            seen = await read_job(client, login, first["id"])
        assert seen["status"] == "CHECKING" and seen["totalRows"] == 1000 and seen["percent"] == 15
        assert seen["message"] == "Memeriksa baris: 500 dari 1.000 baris sudah diperiksa."
        assert (await read_job(client, login, second["id"]))["status"] == "QUEUED"
        # One running and one waiting is all this process takes: a third is refused at once.
        third = await start(client, login, workbook_bytes([row(**{"Judul Prestasi": "Juara 3 Catur"})]), dry_run=True)
        assert third["job"] is None and [e["code"] for e in third["errors"]] == ["RATE_LIMITED"]
        assert third["errors"][0]["message"].startswith("Terlalu banyak impor sedang menunggu")
        go_on.set()
        assert (await until(client, login, first["id"]))["status"] == "DONE"
        assert (await until(client, login, second["id"]))["status"] == "DONE"
    finally:
        go_on.set()
        override_settings(settings)
        await jobs.wait_idle()


def test_progress_and_percent_follow_the_phases():
    progress = jobs._Progress()
    progress("validate", 500, 2000)
    assert (progress.status, progress.processed, progress.total) == (ImportJobStatus.CHECKING, 500, 2000)
    progress("write", 1000, None)  # PostgreSQL writes while it still checks: still checking
    assert progress.status == ImportJobStatus.CHECKING and progress.processed == 500
    progress("validate", 2000, 2000)
    progress("write", 1500, None)
    assert (progress.status, progress.processed) == (ImportJobStatus.WRITING, 1500)
    progress("duplicates", 0, None)
    assert progress.processed == 2000

    def job(status, processed, total, dry_run=False):
        return ImportJob(status=status, processed_rows=processed, total_rows=total, dry_run=dry_run)

    assert jobs.job_percent(job(ImportJobStatus.CHECKING, 500, 1000, dry_run=True)) == 50
    assert jobs.job_percent(job(ImportJobStatus.CHECKING, 500, 1000)) == 15
    assert jobs.job_percent(job(ImportJobStatus.CHECKING, 1000, 1000)) == 30
    assert jobs.job_percent(job(ImportJobStatus.WRITING, 500, 1000)) == 50
    assert jobs.job_percent(job(ImportJobStatus.CHECKING, 500, None)) is None
    assert jobs.job_percent(job(ImportJobStatus.WRITING, 1000, 1000)) == 70
    assert jobs.job_percent(job(ImportJobStatus.QUEUED, 0, None)) == 0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


async def test_jobs_of_a_stopped_process_are_failed_at_start_up(db):
    school, login = await _school()
    host = socket.gethostname()
    stamp = now()

    async def job(runner: str, status=ImportJobStatus.WRITING, heartbeat=stamp) -> ImportJob:
        return await ImportJob.create(owner_id=login.user.id, institution_id=school.id, file_name="a.xlsx",
                                      sha256="0" * 64, dry_run=False, status=status, runner=runner,
                                      heartbeat_at=heartbeat)

    dead = await job(f"{host}:{_dead_pid()}:aaaa")
    dead_queued = await job(f"{host}:{_dead_pid()}:bbbb", status=ImportJobStatus.QUEUED)
    same_pid_before = await job(f"{host}:{os.getpid()}:cccc", status=ImportJobStatus.CHECKING)
    sibling = await job(f"{host}:{os.getppid()}:dddd")  # a live process (another worker)
    elsewhere = await job("other-host:123:eeee")  # another machine, recent heartbeat
    stale = await job("other-host:123:ffff", heartbeat=stamp.replace(year=stamp.year - 1))
    ours = await job(jobs.runner_id())
    finished = await job(f"{host}:{_dead_pid()}:gggg", status=ImportJobStatus.DONE)
    get_settings().import_dir.mkdir(parents=True, exist_ok=True)
    jobs.upload_path(dead.id).write_bytes(b"stored upload")

    assert await jobs.recover_orphaned_jobs() == 4
    after = {j.id: j for j in await ImportJob.all()}
    for gone in (dead, dead_queued, same_pid_before, stale):
        assert after[gone.id].status == ImportJobStatus.FAILED
        assert after[gone.id].error == "Impor terhenti karena server dimulai ulang; unggah ulang berkasnya."
        assert after[gone.id].finished_at is not None
    for alive in (sibling, elsewhere, ours):
        assert after[alive.id].status == ImportJobStatus.WRITING
    assert after[finished.id].status == ImportJobStatus.DONE
    assert not jobs.upload_path(dead.id).exists()


async def test_two_worker_server_runs_a_job_and_fails_an_orphan_at_start(db, tmp_path):
    """`juara serve --workers 2`: the job is read from either worker; a job left by a killed server is FAILED
    with the message once the server starts."""
    school, login = await _school()
    orphan = await ImportJob.create(owner_id=login.user.id, institution_id=school.id, file_name="lama.xlsx",
                                    sha256="1" * 64, dry_run=False, status=ImportJobStatus.WRITING,
                                    runner=f"{socket.gethostname()}:{_dead_pid()}:abcd", heartbeat_at=now())
    server = Server(db, workers=2, env={"JUARA_IMPORT_DIR": str(tmp_path / "imports")})
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            started = await start(http, login, workbook_bytes([row(), row()]), base=server.url)
            assert started["errors"] == [] and started["job"]["status"] == "QUEUED"
            done = await until(http, login, started["job"]["id"], base=server.url)
            assert done["status"] == "DONE" and done["report"]["createdCount"] == 2
            # Several reads, answered by either worker, agree.
            for _ in range(6):
                assert (await read_job(http, login, started["job"]["id"], base=server.url))["status"] == "DONE"
            left = await read_job(http, login, encode_id("ImportJob", orphan.id), base=server.url)
            assert left["status"] == "FAILED"
            assert left["message"] == "Impor terhenti karena server dimulai ulang; unggah ulang berkasnya."
    finally:
        server.stop()
    assert await Achievement.filter(institution_id=school.id).count() == 2
    assert not list((tmp_path / "imports").glob("*"))


def test_a_workbook_without_its_dimension_still_tells_its_row_count(tmp_path):
    """openpyxl's write-only mode leaves <dimension> out; the count (for the progress bar) comes from the sheet."""
    import zipfile

    from bench.import_bench import make_file
    from service.imports.readers import _xlsx_rows

    sheet = tmp_path / "tanpa-dimensi.xlsx"
    make_file(sheet, 7, seed=3)
    with zipfile.ZipFile(sheet) as archive:
        xml = next(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<dimension" not in xml
    rows, total, close = _xlsx_rows(sheet)
    try:
        assert total == 8 and len(list(rows)) == 8  # the header and seven rows
    finally:
        close()


async def test_health_and_progress_answer_while_the_rows_are_being_written(client, monkeypatch):
    """The import's transaction is held open at its end: /healthz and importJob still answer at once (on SQLite
    the import writes on a connection of its own), and the row says every row was checked."""
    from service.imports import writing

    _, login = await _school()
    inside, release = asyncio.Event(), asyncio.Event()
    real_finish = writing._finish

    async def held(*args, **kwargs):
        inside.set()
        await release.wait()
        return await real_finish(*args, **kwargs)

    monkeypatch.setattr(writing, "_finish", held)
    try:
        job = (await start(client, login, workbook_bytes([row(), row(**{"Judul Prestasi": "Juara 2 Catur"})])))["job"]
        await asyncio.wait_for(inside.wait(), 60)
        health = await asyncio.wait_for(client.get("/healthz"), 10)
        assert health.status_code == 200
        seen = await asyncio.wait_for(read_job(client, login, job["id"]), 10)
        assert seen["status"] in ("CHECKING", "WRITING") and seen["totalRows"] == 2 and seen["processedRows"] == 2
        assert seen["percent"] >= 30
        assert await Achievement.all().count() == 0  # nothing is visible before the commit
    finally:
        release.set()
    done = await until(client, login, job["id"])
    assert done["status"] == "DONE" and done["report"]["createdCount"] == 2


async def test_a_server_killed_during_a_job_leaves_nothing_and_the_next_start_fails_the_job(db, tmp_path):
    """SIGKILL while the job runs: no DRAFT is kept (one transaction), and once a server is back the job is
    FAILED with the message and its stored upload is gone."""
    from bench.import_bench import make_file

    school, login = await _school()
    sheet = tmp_path / "besar.xlsx"
    make_file(sheet, 6000, seed=5)
    imports_dir = tmp_path / "imports"
    server = Server(db, env={"JUARA_IMPORT_DIR": str(imports_dir)})
    await asyncio.to_thread(server.start)
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            started = await start(http, login, sheet.read_bytes(), name=sheet.name, base=server.url)
            job_id = started["job"]["id"]
            running = await until(http, login, job_id, statuses=("CHECKING", "WRITING", "DONE", "FAILED"),
                                  base=server.url)
    finally:
        server.kill()
    assert running["status"] in ("CHECKING", "WRITING"), running  # 6 000 rows take seconds, the poll does not
    assert list(imports_dir.glob("job-*.upload"))  # left behind by the killed process
    assert await Achievement.filter(institution_id=school.id).count() == 0
    again = Server(db, env={"JUARA_IMPORT_DIR": str(imports_dir)})
    await asyncio.to_thread(again.start)
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            after = await read_job(http, login, job_id, base=again.url)
    finally:
        again.stop()
    assert after["status"] == "FAILED" and after["message"] == jobs.RESTART_MESSAGE
    assert not list(imports_dir.glob("job-*.upload"))
    assert await Achievement.filter(institution_id=school.id).count() == 0
    assert await ImportBatch.all().count() == 0
