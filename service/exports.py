"""Spreadsheet exports of achievements (CSV, XLSX) and of dashboard statistics (XLSX with charts), streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import AsyncIterator
from typing import Any

from service import stats
from service.achievements import AchievementFilter, filtered_achievements
from service.directory import public_person_name
from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    InstitutionKind,
)
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import AchievementPerson, Category, Desa, Institution, Kecamatan, Person
from service.security import Actor

log = logging.getLogger("juara.exports")

BATCH = 1000
STATUS_LABEL = {
    AchievementStatus.DRAFT: "Draf",
    AchievementStatus.SUBMITTED: "Diajukan",
    AchievementStatus.VERIFIED: "Terverifikasi",
    AchievementStatus.REJECTED: "Ditolak",
}
ACHIEVER_LABEL = {AchieverKind.PERSON: "Perorangan/Tim", AchieverKind.INSTITUTION: "Instansi"}

# Indonesian headers; NIK, birth date and phone are never exported.
HEADERS = [
    "No", "Judul Prestasi", "Nama Kegiatan/Lomba", "Penyelenggara", "Tingkat", "Peringkat", "Sebutan Penghargaan",
    "Kategori Utama", "Subkategori", "Tanggal", "Lokasi", "Instansi", "Jenis Instansi", "Kecamatan",
    "Desa/Kelurahan", "Jenis Peraih", "Nama Peraih", "Status", "Poin",
]


# --- rows -----------------------------------------------------------------------------------------

_COLUMNS = (
    "id", "title", "event_name", "organizer", "level", "rank", "rank_label", "category_id", "category_root_id",
    "date", "location", "institution_id", "institution_kind", "kecamatan_id", "desa_id", "achiever_kind", "status",
)


async def achievement_rows(actor: Actor | None, flt: AchievementFilter) -> AsyncIterator[list[Any]]:
    """Export rows in id order, fetched in keyset batches so that memory stays flat for any number of rows."""
    base_qs = await filtered_achievements(actor, flt)
    kecamatan = {k.id: k.name for k in await Kecamatan.all()}
    desa = {d.id: d.name for d in await Desa.all()}
    categories = {c.id: c.name for c in await Category.all()}
    table = await stats.points_table()
    base, factor = dict(table.levels), dict(table.ranks)
    last_id, number = 0, 0
    while True:
        # Plain values, not model objects: a million rows must not each pay for a model instance.
        batch = await base_qs.filter(id__gt=last_id).order_by("id").limit(BATCH).values(*_COLUMNS)
        if not batch:
            return
        last_id = batch[-1]["id"]
        inst_ids = {a["institution_id"] for a in batch}
        links = await AchievementPerson.filter(achievement_id__in=[a["id"] for a in batch]).order_by("id").values_list(
            "achievement_id", "person_id"
        )
        persons = {p.id: p for p in await Person.filter(id__in={pid for _, pid in links})} if links else {}
        inst_ids |= {p.institution_id for p in persons.values() if p.institution_id}  # type: ignore[attr-defined]
        institutions = {
            i["id"]: i for i in await Institution.filter(id__in=inst_ids).values("id", "name", "path")
        }
        names: dict[int, list[str]] = {}
        for aid, pid in links:
            person = persons[pid]
            inst = institutions.get(person.institution_id)  # type: ignore[attr-defined]
            names.setdefault(aid, []).append(public_person_name(actor, person, inst["path"] if inst else None))
        for a in batch:
            number += 1
            inst = institutions.get(a["institution_id"])
            level, rank = AchievementLevel(a["level"]), AchievementRank(a["rank"])
            yield [
                number, a["title"], a["event_name"], a["organizer"], LEVEL_LABEL[level], RANK_LABEL[rank],
                a["rank_label"] or "", categories.get(a["category_root_id"], ""),
                categories.get(a["category_id"], "") if a["category_id"] != a["category_root_id"] else "",
                a["date"], a["location"] or "", inst["name"] if inst else "",
                stats.KIND_LABEL[InstitutionKind(a["institution_kind"])],
                kecamatan.get(a["kecamatan_id"], "Tingkat Kabupaten"),
                desa.get(a["desa_id"], ""),
                ACHIEVER_LABEL[AchieverKind(a["achiever_kind"])], "; ".join(names.get(a["id"], [])),
                STATUS_LABEL[AchievementStatus(a["status"])], stats.points(base.get(level), factor.get(rank)),
            ]


def _csv_cell(value: Any) -> Any:
    # A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def csv_chunks(actor: Actor | None, flt: AchievementFilter) -> AsyncIterator[bytes]:
    """UTF-8 CSV (with BOM, so that Excel reads the Indonesian text right), one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    pending = 0
    async for row in achievement_rows(actor, flt):
        writer.writerow([_csv_cell(v) for v in row])
        pending += 1
        if pending >= BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


async def xlsx_file(actor: Actor | None, flt: AchievementFilter) -> str:
    """Write the export to a temporary XLSX file in openpyxl's write-only (streaming) mode; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Prestasi")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", (6, 45, 35, 30, 14, 16, 20, 24, 24, 12, 20, 35, 18, 18, 20, 14, 35, 14, 8),
                          strict=True):
        ws.column_dimensions[col].width = width
    from openpyxl.cell import WriteOnlyCell

    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    async for row in achievement_rows(actor, flt):
        ws.append([_xlsx_cell(v) for v in row])
    fd, path = tempfile.mkstemp(prefix="juara-export-", suffix=".xlsx")
    os.close(fd)
    wb.save(path)
    return path


# --- statistics workbook ---------------------------------------------------------------------------

async def stats_workbook(actor: Actor | None, flt: stats.StatsFilter) -> bytes:
    """A sheet per breakdown, each with a native Excel bar chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    scope = await stats.build_scope(actor, flt)
    kecamatan = {k.id: k.name for k in await Kecamatan.all()}
    institutions_rows = await stats.top_institutions(scope, stats.MAX_TOP)
    inst = await stats.institutions_by_id([r.institution_id for r in institutions_rows])
    sheets: list[tuple[str, str, list[tuple[str, int, int]]]] = [
        ("Kecamatan", "Kecamatan", [
            (kecamatan.get(r.kecamatan_id, "Tingkat Kabupaten"), r.count, r.points)  # type: ignore[arg-type]
            for r in await stats.by_kecamatan(scope)
        ]),
        ("Tingkat", "Tingkat", [(b.label, b.count, b.points) for b in await stats.by_level(scope)]),
        ("Kategori", "Kategori", [(b.label, b.count, b.points) for b in await stats.by_category(scope)]),
        ("Tahun", "Tahun", [(b.label, b.count, b.points) for b in await stats.by_year(scope)]),
        ("Peringkat", "Peringkat", [(b.label, b.count, b.points) for b in await stats.by_rank(scope)]),
        ("Jenis Instansi", "Jenis instansi", [(b.label, b.count, b.points)
                                             for b in await stats.by_institution_kind(scope)]),
        ("Instansi Teratas", "Instansi", [
            (inst[r.institution_id].name if r.institution_id in inst else "", r.count, r.points)
            for r in institutions_rows
        ]),
    ]
    total = await stats.total(scope)
    wb = Workbook()
    summary = wb.active
    summary.title = "Ringkasan"
    summary.append(["Statistik Prestasi Kabupaten Purbalingga"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Jumlah prestasi", total])
    summary.append(["Status", STATUS_LABEL[flt.status or AchievementStatus.VERIFIED]])
    for label, value in (("Tahun", flt.year), ("Dari tanggal", flt.date_from), ("Sampai tanggal", flt.date_to),
                         ("Tingkat", LEVEL_LABEL[flt.level] if flt.level else None)):
        if value is not None:
            summary.append([label, value])
    summary.append(["Dibuat", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")])
    summary.column_dimensions["A"].width = 24
    for title, first_header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append([first_header, "Jumlah Prestasi", "Poin"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Institution and category names are typed by users: never a live formula.
            ws.append([_xlsx_cell(v) for v in row])
        ws.column_dimensions["A"].width = 32
        if rows:
            chart = BarChart()
            chart.type = "bar" if len(rows) > 8 else "col"
            chart.title = f"Prestasi per {first_header.lower()}"
            chart.y_axis.title = "Jumlah"
            chart.height = max(7.5, 0.5 * len(rows))
            chart.width = 18
            data = Reference(ws, min_col=2, min_row=1, max_row=len(rows) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
            ws.add_chart(chart, "E2")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
