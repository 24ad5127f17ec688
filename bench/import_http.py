"""100 000 rows imported over HTTP as a job: `juara serve` on a fresh database, the file uploaded through
startImportJob, importJob polled until DONE, the DRAFTs counted over GraphQL, `/healthz` timed all along.

    .venv/bin/python bench/import_http.py                      # SQLite in a temporary directory
    .venv/bin/python bench/import_http.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    make import-100k                                           # both (PostgreSQL at the local default)

Prints the answer time of the upload, rows/second from the upload to DONE, the phases the job went through,
and the latency of `/healthz` (asked every 0.2 s) while the job ran. Exits 1 when anything is off.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JUARA = str(Path(sys.executable).parent / "juara")
PASSWORD = "impor-seratus-ribu-1"  # noqa: S105 - a throwaway account on a scratch database

START = """mutation($input: ImportAchievementsInput!) { startImportJob(input: $input) {
  job { id status } errors { code message } } }"""
JOB = """query($id: ID!) { importJob(id: $id) { status processedRows totalRows percent message
  report { committed createdCount problemCount } } }"""
DRAFTS = "{ achievements(filter: {status: DRAFT}, first: 1) { totalCount } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _create_pg(base: str) -> tuple[str, str]:
    import asyncpg

    parsed = urlparse(base)
    name = f"juara_import_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(urlunparse(parsed._replace(scheme="postgresql")))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunparse(parsed._replace(path=f"/{name}")), name


async def _drop_pg(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(urlunparse(urlparse(base)._replace(scheme="postgresql")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _prepare(url: str) -> str:
    """Migrate, and create a school and its operator; the operator's username."""
    from service import accounts, db
    from service.config import Settings, get_settings, override_settings
    from service.enums import InstitutionKind, Role
    from service.models import Institution, Kecamatan, User

    override_settings(Settings(**{**get_settings().__dict__, "database_url": url}))
    await db.run_migrations(url)
    try:
        kec = await Kecamatan.get(code="33.03.09")
        school = await Institution.create(name="SMP Negeri Uji Impor", kind=InstitutionKind.SEKOLAH, kecamatan=kec)
        school.path = f"/{school.id}/"
        await school.save()
        await User.create(username="operator.impor", password_hash=accounts.hash_password(PASSWORD),
                          full_name="Operator Uji Impor", role=Role.CONTRIBUTOR, institution=school)
    finally:
        await db.close_db()
    return "operator.impor"


async def _probe(http: httpx.AsyncClient, base: str, seen: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            resp = await http.get(f"{base}/healthz", timeout=120)
            ok = resp.status_code == 200
        except httpx.HTTPError:
            ok = False
        seen.append(time.perf_counter() - t0 if ok else float("inf"))
        await asyncio.sleep(0.2)


async def _gql(http: httpx.AsyncClient, base: str, token: str, query: str, variables: dict | None = None) -> dict:
    resp = await http.post(f"{base}/graphql", json={"query": query, "variables": variables or {}},
                           headers={"Authorization": f"Bearer {token}"}, timeout=120)
    body = resp.json()
    if resp.status_code != 200 or body.get("errors"):
        raise SystemExit(f"GraphQL error: HTTP {resp.status_code} {str(body)[:500]}")
    return body["data"]


async def _drive(base: str, username: str, sheet: Path, rows: int) -> dict:
    async with httpx.AsyncClient() as http:
        login = await http.post(f"{base}/graphql", json={
            "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { message } } }",
            "variables": {"u": username, "p": PASSWORD}})
        token = login.json()["data"]["login"]["token"]
        assert token, login.text
        stop = asyncio.Event()
        health: list[float] = []
        prober = asyncio.ensure_future(_probe(http, base, health, stop))
        import json

        content = await asyncio.to_thread(sheet.read_bytes)
        t0 = time.perf_counter()
        resp = await http.post(
            f"{base}/graphql",
            data={"operations": json.dumps({"query": START, "variables": {"input": {"file": None, "dryRun": False}}}),
                  "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": (sheet.name, content, "application/octet-stream")},
            headers={"Authorization": f"Bearer {token}", "X-Requested-With": "import-100k"}, timeout=120,
        )
        answered = time.perf_counter() - t0
        body = resp.json()
        started = body["data"]["startImportJob"] if resp.status_code == 200 and "data" in body else None
        if not started or started["errors"]:
            raise SystemExit(f"startImportJob refused: HTTP {resp.status_code} {str(body)[:500]}")
        job_id = started["job"]["id"]
        phases: dict[str, float] = {}
        polls: list[float] = []
        while True:
            p0 = time.perf_counter()
            job = (await _gql(http, base, token, JOB, {"id": job_id}))["importJob"]
            polls.append(time.perf_counter() - p0)
            phases.setdefault(job["status"], time.perf_counter() - t0)
            print(f"  {time.perf_counter() - t0:6.1f} s  {job['status']:<8} {job['processedRows']:>7} rows"
                  f"  {job['percent'] if job['percent'] is not None else '–':>3} %  {job['message']}", flush=True)
            if job["status"] in ("DONE", "FAILED"):
                break
            await asyncio.sleep(1)
        elapsed = time.perf_counter() - t0
        stop.set()
        await prober
        if job["status"] != "DONE" or not job["report"]["committed"]:
            raise SystemExit(f"the import did not commit: {job}")
        drafts = (await _gql(http, base, token, DRAFTS))["achievements"]["totalCount"]
    finite = sorted(h for h in health if h != float("inf"))
    return {
        "answered_s": answered, "elapsed_s": elapsed, "rows_per_s": rows / elapsed, "drafts": drafts,
        "created": job["report"]["createdCount"], "phases": phases,
        "health_n": len(health), "health_failed": len(health) - len(finite),
        "health_p50": statistics.median(finite) if finite else None,
        "health_p95": finite[int(0.95 * (len(finite) - 1))] if finite else None,
        "health_max": finite[-1] if finite else None,
        "poll_max": max(polls),
    }


def _serve(url: str, port: int, workers: int, import_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "JUARA_LOG_LEVEL": "WARNING", "JUARA_IMPORT_DIR": str(import_dir),
           "JUARA_ADMIN_USERNAME": ""}
    command = [JUARA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 - our own command
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("juara serve exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("juara serve did not become healthy")


def run(label: str, url: str, sheet: Path, rows: int, workers: int, work: Path) -> dict:
    username = asyncio.run(_prepare(url))
    port = _free_port()
    proc = _serve(url, port, workers, work / f"imports-{label}")
    try:
        print(f"== {label}: juara serve --workers {workers}, {rows} rows ({sheet.stat().st_size / 2**20:.1f} MiB XLSX)")
        result = asyncio.run(_drive(f"http://127.0.0.1:{port}", username, sheet, rows))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    if result["drafts"] != rows or result["created"] != rows:
        raise SystemExit(f"{label}: expected {rows} DRAFTs, found {result['drafts']} (created {result['created']})")
    ms = lambda s: "–" if s is None else f"{s * 1000:.0f} ms"  # noqa: E731
    print(f"{label}: upload answered in {ms(result['answered_s'])}; DONE after {result['elapsed_s']:.1f} s "
          f"= {result['rows_per_s']:.0f} rows/s; {result['drafts']} DRAFTs")
    print(f"{label}: phases first seen at " + ", ".join(f"{k} {v:.1f} s" for k, v in result["phases"].items()))
    print(f"{label}: /healthz while it ran: {result['health_n']} probes, p50 {ms(result['health_p50'])}, "
          f"p95 {ms(result['health_p95'])}, max {ms(result['health_max'])}, failed {result['health_failed']}; "
          f"slowest importJob poll {ms(result['poll_max'])}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="run on a scratch SQLite file (default without --postgres)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server; a scratch database is created there")
    parser.add_argument("--sheet", type=Path, help=argparse.SUPPRESS)  # a file generated by the parent run
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="juara-import-100k-") as tmp:
        work = Path(tmp)
        sheet = args.sheet
        if sheet is None:
            from bench.import_bench import make_file

            sheet = work / f"prestasi-{args.rows}.xlsx"
            t0 = time.perf_counter()
            make_file(sheet, args.rows, seed=100)
            print(f"generated {sheet.name} in {time.perf_counter() - t0:.1f} s", flush=True)
        databases = (["sqlite"] if args.sqlite or not args.postgres else []) + (["postgres"] if args.postgres else [])
        if len(databases) > 1:
            # One process per database: the settings and the ORM are set up once per process.
            common = [sys.executable, __file__, "--rows", str(args.rows), "--workers", str(args.workers),
                      "--sheet", str(sheet)]
            failed = subprocess.run([*common, "--sqlite"], check=False).returncode  # noqa: S603 - this script
            failed |= subprocess.run([*common, "--postgres", args.postgres], check=False).returncode  # noqa: S603
            raise SystemExit(1 if failed else 0)
        if databases == ["sqlite"]:
            run("sqlite", f"sqlite://{work / 'juara.sqlite3'}", sheet, args.rows, args.workers, work)
        else:
            url, name = asyncio.run(_create_pg(args.postgres))
            try:
                run("postgres", url, sheet, args.rows, args.workers, work)
            finally:
                asyncio.run(_drop_pg(args.postgres, name))


if __name__ == "__main__":
    main()
