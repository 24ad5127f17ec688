"""Benchmark of the spreadsheet import: rows per second and peak memory for a generated XLSX file.

    .venv/bin/python bench/import_bench.py --rows 10000            # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/juara_bench .venv/bin/python bench/import_bench.py

Each run: a fresh database (SQLite file, or the named PostgreSQL database, emptied first), one school, a
file of fictitious achievements; then a timed import (check + write in one transaction) and a second
import of another file of the same size under tracemalloc for the peak of Python allocations.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EVENTS = ["FLS2N", "O2SN", "OSN", "Popda", "Lomba Desa", "MTQ", "Festival Paduan Suara", "Lomba Posyandu",
          "Adiwiyata", "Lomba Inovasi Daerah", "Jambore Pramuka", "Lomba Kampung Iklim"]
BRANCHES = ["Atletik", "Renang", "Pencak Silat", "Matematika", "Fisika", "Pidato Bahasa Jawa", "Tari Kreasi",
            "Cerdas Cermat", "Karya Tulis Ilmiah", "Menyanyi Solo", "Desain Poster", "Robotik", "Catur"]
LEVELS = ["Kecamatan", "Kabupaten", "Karesidenan", "Provinsi", "Nasional"]
RANKS = ["Juara 1", "Juara 2", "Juara 3", "Juara Harapan 1", "Medali Emas", "Finalis"]
CATEGORIES = ["Olahraga › Atletik", "Pendidikan & Akademik › Olimpiade Sains", "Seni & Budaya › Tari",
              "Pendidikan & Akademik › Debat dan Pidato", "Teknologi & Inovasi › Robotik dan Pemrograman"]
FIRST = ["Rina", "Dimas", "Ayu", "Bagus", "Sari", "Fajar", "Nur", "Wahyu", "Dewi", "Eko", "Lestari", "Yoga"]
LAST = ["Kusuma", "Prasetyo", "Lestari", "Saputra", "Wulandari", "Hidayat", "Rahmawati", "Nugroho"]


def make_file(path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook

    from service.imports import COLUMNS

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Prestasi")
    ws.append([c.header for c in COLUMNS])
    start = dt.date(2018, 1, 1)
    for i in range(rows):
        event = rnd.choice(EVENTS)
        branch = rnd.choice(BRANCHES)
        rank = rnd.choice(RANKS)
        names = "; ".join(f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(rnd.randint(0, 2)))
        values = {
            "title": f"{rank} {event} {branch} {rnd.choice(LEVELS)}",
            "event_name": f"{event} {branch} {2018 + i % 8}",
            "organizer": "Dinas Pendidikan dan Kebudayaan",
            "level": rnd.choice(LEVELS),
            "rank": rank,
            "category": rnd.choice(CATEGORIES),
            "date": start + dt.timedelta(days=rnd.randint(0, 2800)),
            "location": "Purbalingga",
            "persons": names or None,
            "consent": rnd.choice(["Ya", "Tidak"]) if names else None,
            "evidence_urls": f"https://example.org/berita/{seed}/{i}" if i % 3 == 0 else None,
        }
        ws.append([values.get(c.key) for c in COLUMNS])
    wb.save(path)


async def run(rows: int, url: str | None, workdir: Path) -> dict[str, float]:
    from service import db
    from service.config import Settings, get_settings, override_settings
    from service.enums import InstitutionKind, Role
    from service.imports import import_file
    from service.models import Institution, Kecamatan, User
    from service.security import Actor

    url = url or f"sqlite://{workdir / 'bench.sqlite3'}"
    override_settings(Settings(**{**get_settings().__dict__, "database_url": url,
                                  "max_upload_bytes": 200 * 1024 * 1024}))
    if db.is_postgres_url(url):
        await _reset_postgres(url)
    await db.run_migrations(url)
    kec = await Kecamatan.get(code="33.03.09")
    school = await Institution.create(name=f"SMP Negeri Bench {time.time_ns()}", kind=InstitutionKind.SEKOLAH,
                                      kecamatan=kec)
    school.path = f"/{school.id}/"
    await school.save()
    admin = await User.create(username=f"bench{time.time_ns()}", password_hash="!", full_name="Bench",  # noqa: S106 - cannot log in
                              role=Role.ADMIN)
    actor = Actor(user_id=admin.id, username=admin.username, role=Role.ADMIN)

    timed, traced = workdir / "timed.xlsx", workdir / "traced.xlsx"
    t0 = time.perf_counter()
    make_file(timed, rows, seed=1)
    make_file(traced, rows, seed=2)
    generate_s = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    report = await import_file(actor, timed, timed.name, school.id, dry_run=False)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert report.created_count == rows, report.problems[:3]

    tracemalloc.start()
    report2 = await import_file(actor, traced, traced.name, school.id, dry_run=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report2.created_count == rows
    await db.close_db()
    return {
        "rows": rows, "seconds": elapsed, "cpu_seconds": cpu, "rows_per_second": rows / elapsed,
        "peak_traced_mib": peak / 2**20, "file_kib": timed.stat().st_size / 1024,
        "generate_seconds": generate_s, "duplicate_hints": report.duplicate_hints,
        "database": db.is_postgres_url(url) and "postgres" or "sqlite", "timings": report.timings,
    }


async def _reset_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("JUARA_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="juara-import-bench-") as tmp:
        result = asyncio.run(run(args.rows, os.environ.get("DATABASE_URL") or None, Path(tmp)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database          {result['database']}")
    print(f"rows              {result['rows']}")
    print(f"file size         {result['file_kib']:.0f} KiB (XLSX)")
    print(f"import time       {result['seconds']:.2f} s (check + write + duplicate scan, one transaction)")
    print(f"cpu time          {result['cpu_seconds']:.2f} s (this process; SQLite/asyncpg threads included)")
    print(f"rows/second       {result['rows_per_second']:.0f}")
    print(f"peak traced heap  {result['peak_traced_mib']:.1f} MiB (tracemalloc, second import)")
    print(f"max RSS           {rss:.0f} MiB (whole process, incl. interpreter and file generation)")
    print(f"duplicate hints   {result['duplicate_hints']}")
    print("phases            " + ", ".join(f"{k} {v:.2f} s" for k, v in result["timings"].items()))


if __name__ == "__main__":
    main()
