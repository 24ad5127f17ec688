"""Spreadsheet exports of achievements (CSV, XLSX) and of dashboard statistics (XLSX with charts), streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import AsyncIterator
from typing import IO, Any

from service import stats, workers
from service.achievements import AchievementFilter, filtered_achievements
from service.directory import public_person_name
from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
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
    """Export rows in id order, fetched in keyset batches so that memory stays flat for any number of rows.

    Per batch: the achievements as plain tuples (no model instances, no per-value conversion), their person
    links by the batch's id range (one indexed range read, not a thousand parameters), the persons not
    seen yet; institutions are kept for the whole export (there are few, and they repeat).
    """
    base_qs = await filtered_achievements(actor, flt)
    kecamatan = {k.id: k.name for k in await Kecamatan.all()}
    desa = {d.id: d.name for d in await Desa.all()}
    categories = {c.id: c.name for c in await Category.all()}
    table = await stats.points_table()
    base, factor = dict(table.levels), dict(table.ranks)
    # Raw column values (the enums are StrEnums: their plain strings key the same entries).
    level_label = {str(k): v for k, v in LEVEL_LABEL.items()}
    rank_label = {str(k): v for k, v in RANK_LABEL.items()}
    points = {(str(lv), str(rk)): stats.points(base.get(lv), factor.get(rk))
              for lv in AchievementLevel for rk in AchievementRank}
    kind_label = {str(k): v for k, v in stats.KIND_LABEL.items()}
    achiever_label = {str(k): v for k, v in ACHIEVER_LABEL.items()}
    status_label = {str(k): v for k, v in STATUS_LABEL.items()}
    institutions: dict[int, tuple[str, str]] = {}
    persons: dict[int, Person] = {}
    last_id, number = 0, 0
    while True:
        batch = await _raw_rows(base_qs.filter(id__gt=last_id).order_by("id").limit(BATCH).values_list(*_COLUMNS))
        if not batch:
            return
        first_id, last_id = batch[0][0], batch[-1][0]
        ids = {a[0] for a in batch}
        links = [link for link in await _raw_rows(
            AchievementPerson.filter(achievement_id__gte=first_id, achievement_id__lte=last_id)
            .order_by("id").values_list("achievement_id", "person_id")) if link[0] in ids]
        wanted = {pid for _, pid in links} - persons.keys()
        if wanted:
            if len(persons) > 50 * BATCH:
                persons.clear()  # bounded: an export of millions of rows keeps memory flat
                wanted = {pid for _, pid in links}
            persons.update((p.id, p) for p in await Person.filter(id__in=wanted))
        inst_ids = {a[11] for a in batch} | {
            persons[pid].institution_id for _, pid in links
            if persons[pid].institution_id is not None}
        missing = inst_ids - institutions.keys()
        if missing:
            for i in await Institution.filter(id__in=missing).values_list("id", "name", "path"):
                institutions[i[0]] = (i[1], i[2])
        names: dict[int, list[str]] = {}
        for aid, pid in links:
            person = persons[pid]
            inst = institutions.get(person.institution_id) if person.institution_id is not None else None
            names.setdefault(aid, []).append(public_person_name(actor, person, inst[1] if inst else None))
        for (aid, title, event_name, organizer, level, rank, rank_text, category_id, root_id, date, location,
             institution_id, institution_kind, kecamatan_id, desa_id, achiever_kind, status) in batch:
            number += 1
            inst = institutions.get(institution_id)
            yield [
                number, title, event_name, organizer, level_label[level], rank_label[rank],
                rank_text or "", categories.get(root_id, ""),
                categories.get(category_id, "") if category_id != root_id else "",
                date if isinstance(date, dt.date) else dt.date.fromisoformat(date), location or "",
                inst[0] if inst else "", kind_label[institution_kind],
                kecamatan.get(kecamatan_id, "Tingkat Kabupaten"), desa.get(desa_id, ""),
                achiever_label[achiever_kind], "; ".join(names.get(aid, ())), status_label[status],
                points.get((level, rank)) if (level, rank) in points
                else stats.points(base.get(level), factor.get(rank)),
            ]


async def _raw_rows(query: Any) -> list[Any]:
    """A values_list query's rows as the driver returns them (tuples; no conversion per value)."""
    query._choose_db_if_not_chosen()
    query._make_query()
    _, rows = await query._db.execute_query(*query.query.get_parameterized_sql())
    return rows


_FORMULA_START = frozenset("=+-@\t\r")


def _csv_cell(value: Any) -> Any:
    # A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
    if value.__class__ is str:
        return "'" + value if value and value[0] in _FORMULA_START else value
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


async def xlsx_file(actor: Actor | None, flt: AchievementFilter) -> IO[bytes]:
    """The export as an XLSX in openpyxl's write-only (streaming) mode, built in the files pool a batch at a
    time; returns an open file whose name is already gone from the disk, so that no `juara-export-*` file is
    left behind whatever happens to the request (a disconnect, a timeout, an error)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Prestasi")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", (6, 45, 35, 30, 14, 16, 20, 24, 24, 12, 20, 35, 18, 18, 20, 14, 35, 14, 8),
                          strict=True):
        ws.column_dimensions[col].width = width
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)

    def append(rows: list[list[Any]]) -> None:
        for row in rows:
            ws.append([_xlsx_cell(v) for v in row])

    pending: list[list[Any]] = []
    async for row in achievement_rows(actor, flt):
        pending.append(row)
        if len(pending) >= BATCH:
            await workers.files.run(append, pending)
            pending = []
    if pending:
        await workers.files.run(append, pending)
    return await workers.files.run(_saved, wb)


def _saved(wb: Any) -> IO[bytes]:
    fd, path = tempfile.mkstemp(prefix="juara-export-", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(path)
        fh = open(path, "rb")  # noqa: SIM115 - handed to the caller, who streams and closes it
    finally:
        os.unlink(path)
    return fh


# --- statistics workbook ---------------------------------------------------------------------------

async def stats_workbook(actor: Actor | None, flt: stats.StatsFilter) -> bytes:
    """A sheet per breakdown, each with a native Excel bar chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    scope = await stats.build_scope(actor, flt)
    kecamatan: dict[int | None, str] = {k.id: k.name for k in await Kecamatan.all()}  # None: regency-wide
    institutions_rows = await stats.top_institutions(scope, stats.MAX_TOP)
    inst = await stats.institutions_by_id([r.institution_id for r in institutions_rows])
    sheets: list[tuple[str, str, list[tuple[str, int, int]]]] = [
        ("Kecamatan", "Kecamatan", [
            (kecamatan.get(r.kecamatan_id, "Tingkat Kabupaten"), r.count, r.points)
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
    return await workers.files.run(_workbook_bytes, wb)


def _workbook_bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
