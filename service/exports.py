"""Spreadsheet exports of achievements (CSV, XLSX) and of dashboard statistics (XLSX with charts), streamed."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import re
import threading
import zipfile
from collections.abc import AsyncIterator
from typing import Any

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


class _PersonFacts:
    """What an export reads of a person: its name, institution and the columns of the name rule
    (`persons.name_is_public`), as plain values instead of a model instance."""

    __slots__ = ("id", "name", "institution_id", "publication_consent", "consent_given_by", "birth_date", "role",
                 "erased_at")

    def __init__(self, row: Any) -> None:
        (self.id, self.name, self.institution_id, consent, self.consent_given_by, birth_date, self.role,
         self.erased_at) = row
        self.publication_consent = bool(consent)
        self.birth_date = dt.date.fromisoformat(birth_date) if birth_date.__class__ is str else birth_date


_PERSON_COLUMNS = ("id", "name", "institution_id", "publication_consent", "consent_given_by", "birth_date", "role",
                   "erased_at")


async def achievement_batches(actor: Actor | None, flt: AchievementFilter) -> AsyncIterator[list[list[Any]]]:
    """Export rows in id order, a batch at a time, fetched in keyset batches so that memory stays flat for any
    number of rows.

    Per batch: the achievements as plain tuples (no model instances, no per-value conversion), their person
    links by the batch's id range (one indexed range read, not a thousand parameters), the persons not
    seen yet (plain values, their shown name worked out once per export); institutions are kept for the
    whole export (there are few, and they repeat).
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
    shown: dict[int, str] = {}  # person id -> the name this caller is shown
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
        wanted = {pid for _, pid in links} - shown.keys()
        if wanted:
            if len(shown) > 50 * BATCH:
                shown.clear()  # bounded: an export of millions of rows keeps memory flat
                wanted = {pid for _, pid in links}
            people = [_PersonFacts(row) for row in await _raw_rows(
                Person.filter(id__in=wanted).values_list(*_PERSON_COLUMNS))]
            missing = {p.institution_id for p in people if p.institution_id is not None} - institutions.keys()
            if missing:
                for i in await Institution.filter(id__in=missing).values_list("id", "name", "path"):
                    institutions[i[0]] = (i[1], i[2])
            for person in people:
                inst = institutions.get(person.institution_id) if person.institution_id is not None else None
                # Not a Person: the columns the name rule reads, as the model holds them.
                shown[person.id] = public_person_name(actor, person, inst[1] if inst else None)  # type: ignore[arg-type]
        missing = {a[11] for a in batch} - institutions.keys()
        if missing:
            for i in await Institution.filter(id__in=missing).values_list("id", "name", "path"):
                institutions[i[0]] = (i[1], i[2])
        names: dict[int, list[str]] = {}
        for aid, pid in links:
            names.setdefault(aid, []).append(shown[pid])
        rows: list[list[Any]] = []
        for (aid, title, event_name, organizer, level, rank, rank_text, category_id, root_id, date, location,
             institution_id, institution_kind, kecamatan_id, desa_id, achiever_kind, status) in batch:
            number += 1
            inst = institutions.get(institution_id)
            rows.append([
                number, title, event_name, organizer, level_label[level], rank_label[rank],
                rank_text or "", categories.get(root_id, ""),
                categories.get(category_id, "") if category_id != root_id else "",
                date if isinstance(date, dt.date) else dt.date.fromisoformat(date), location or "",
                inst[0] if inst else "", kind_label[institution_kind],
                kecamatan.get(kecamatan_id, "Tingkat Kabupaten"), desa.get(desa_id, ""),
                achiever_label[achiever_kind], "; ".join(names.get(aid, ())), status_label[status],
                points.get((level, rank)) if (level, rank) in points
                else stats.points(base.get(level), factor.get(rank)),
            ])
        yield rows


async def _raw_rows(query: Any) -> list[Any]:
    """A values_list query's rows as the driver returns them (tuples; no conversion per value)."""
    query._choose_db_if_not_chosen()
    query._make_query()
    _, rows = await query._db.execute_query(*query.query.get_parameterized_sql())
    return rows


_FORMULA_START = frozenset("=+-@\t\r")


# The columns that hold text someone typed (titles, names, places): a leading = + - @ (or tab, CR) would run
# as a formula when the file is opened in a spreadsheet, so such a cell gets a leading apostrophe. The other
# columns are numbers and the export's own labels.
_CSV_TEXT_COLUMNS = tuple(i for i, h in enumerate(HEADERS) if h not in {
    "No", "Tingkat", "Peringkat", "Tanggal", "Jenis Instansi", "Jenis Peraih", "Status", "Poin"})
_CSV_DATE_COLUMN = HEADERS.index("Tanggal")


def _csv_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """The batch's rows as CSV cells (in place): text guarded against formulas, the date in ISO form."""
    for row in rows:
        for i in _CSV_TEXT_COLUMNS:
            value = row[i]
            if value and value[0] in _FORMULA_START:
                row[i] = "'" + value
        row[_CSV_DATE_COLUMN] = row[_CSV_DATE_COLUMN].isoformat()
    return rows


async def csv_chunks(actor: Actor | None, flt: AchievementFilter) -> AsyncIterator[bytes]:
    """UTF-8 CSV (with BOM, so that Excel reads the Indonesian text right), one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADERS)
    async for rows in achievement_batches(actor, flt):
        writer.writerows(_csv_rows(rows))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no rows: the header alone
        yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --- XLSX written as it is read --------------------------------------------------------------------
# openpyxl, even in write-only mode, took 16 µs a cell and wrote the whole workbook before its first byte
# went out: the administrator's 100 000 rows met the request deadline. The sheet is plain XML, so it is
# written here a batch at a time (inline strings, one bold and one date style) and deflated into a zip
# stream whose bytes go out as they are made; nothing is kept on disk or in memory beyond a batch.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{_REL_NS}/officeDocument"/></Relationships>'),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        '<sheet name="Prestasi" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL_NS}/worksheet"/>'
        f'<Relationship Id="rId2" Target="styles.xml" Type="{_REL_NS}/styles"/></Relationships>'),
    # Styles: 0 plain, 1 bold (the header), 2 a date as yyyy-mm-dd.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_COLUMN_LETTERS = "ABCDEFGHIJKLMNOPQRS"
_COLUMN_WIDTHS = (6, 45, 35, 30, 14, 16, 20, 24, 24, 12, 20, 35, 18, 18, 20, 14, 35, 14, 8)
# Characters XML 1.0 cannot hold at all (openpyxl refused them with an error); they are left out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def _sheet_rows(rows: list[list[Any]], first_number: int, style: int = 0) -> str:
    out: list[str] = []
    style_attr = f' s="{style}"' if style else ""
    for r, row in enumerate(rows, start=first_number):
        cells = [f'<row r="{r}">']
        for letter, value in zip(_COLUMN_LETTERS, row, strict=False):
            if value is None or value == "":
                continue
            if value.__class__ is str:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"{style_attr}><is><t xml:space="preserve">'
                             f'{_xml_text(_xlsx_cell(value))}</t></is></c>')
            elif isinstance(value, dt.date):
                cells.append(f'<c r="{letter}{r}" s="2"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{_xml_text(str(value))}</t></is></c>')
        cells.append("</row>")
        out.append("".join(cells))
    return "".join(out)


class _Sink:
    """A write-only file for zipfile (no seek: entries get data descriptors); what it got is taken in turns."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


class _XlsxStream:
    """The zip archive of the export, fed in the files pool one batch of rows at a time."""

    def __init__(self) -> None:
        self.sink = _Sink()
        # A batch still being written in the pool when the request ends is finished before the archive closes.
        self.lock = threading.Lock()
        self.zip = zipfile.ZipFile(self.sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, xml in _XLSX_PARTS.items():
            self.zip.writestr(name, _XML_DECL + xml)
        self.sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(_COLUMN_WIDTHS, start=1))
        self.sheet.write((
            f'{_XML_DECL}<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            f'{_sheet_rows([HEADERS], 1, style=1)}').encode())
        self.next_row = 2

    def add(self, rows: list[list[Any]]) -> bytes:
        with self.lock:
            self.sheet.write(_sheet_rows(rows, self.next_row).encode())
            self.next_row += len(rows)
            return self.sink.take()

    def finish(self) -> bytes:
        with self.lock:
            self.sheet.write(b"</sheetData></worksheet>")
            self.sheet.close()
            self.zip.close()
            return self.sink.take()

    def abandon(self) -> None:
        """The request ended before the last row: the archive is closed (its bytes dropped) so that nothing
        is left open for the collector to trip over."""
        with self.lock:
            with contextlib.suppress(Exception):
                self.sheet.close()
            with contextlib.suppress(Exception):
                self.zip.close()
            self.sink.parts.clear()


async def xlsx_chunks(actor: Actor | None, flt: AchievementFilter) -> AsyncIterator[bytes]:
    """The export as XLSX, sent as it is written: each batch of rows becomes sheet XML and deflated bytes in
    the files pool (the event loop only moves the bytes), so the first bytes leave at once and nothing is left
    on disk whatever happens to the request."""
    stream = _XlsxStream()  # the fixed parts and the header row only: made here, so never left unclosed
    finished = False
    try:
        async for rows in achievement_batches(actor, flt):
            chunk = await workers.files.run(stream.add, rows)
            if chunk:
                yield chunk
        yield await workers.files.run(stream.finish)
        finished = True
    finally:
        if not finished:
            stream.abandon()


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
