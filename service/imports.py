"""Spreadsheet import of achievements (XLSX or CSV) and the import template with drop-down lists."""

from __future__ import annotations

import array
import asyncio
import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import logging
import pickle
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from rapidfuzz import process
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from service import audit, duplicates
from service.achievements import now
from service.config import get_settings
from service.db import dialect, sql
from service.directory import can_act_for
from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
)
from service.errors import Forbidden, UserErrorCode, UserInputError
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import Category, Desa, ImportBatch, Institution, Kecamatan, Person
from service.security import Actor
from service.text import clean, today_wib, valid_http_url

log = logging.getLogger("juara.imports")

Progress = Callable[[str, int, int | None], None]

BATCH_ROWS = 1000
DUPLICATE_CHUNK = 5000
MAX_PROBLEMS = 1000
# A bound on work, not on memory: a small compressed file can hold very many rows.
MAX_ROWS = 100_000
MAX_PERSONS_PER_ROW = 200
MAX_URLS_PER_ROW = 20
EARLIEST_DATE = dt.date(1945, 8, 17)
DATA_SHEET = "Prestasi"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    hint: str
    limit: int = 0


COLUMNS: list[Column] = [
    Column("title", "Judul Prestasi", True, 40, "Misalnya: Juara 1 Lomba Desa Tertib Administrasi", 300),
    Column("event_name", "Nama Kegiatan/Lomba", True, 34, "Nama lomba atau program penghargaan", 300),
    Column("organizer", "Penyelenggara", True, 30, "Instansi atau lembaga penyelenggara", 300),
    Column("level", "Tingkat", True, 14, "Pilih dari daftar"),
    Column("rank", "Peringkat", True, 18, "Pilih dari daftar"),
    Column("rank_label", "Sebutan Penghargaan", False, 24,
           "Wajib bila Peringkat = Penghargaan, misalnya 'Predikat Madya'", 200),
    Column("category", "Kategori", True, 30, "Pilih dari daftar (sub-kategori lebih baik)"),
    Column("date", "Tanggal", True, 13, "Tanggal prestasi, misalnya 12/10/2026"),
    Column("location", "Lokasi", False, 20, "Tempat kegiatan (boleh kosong)", 300),
    Column("description", "Keterangan", False, 30, "Keterangan tambahan (boleh kosong)", 5000),
    Column("kecamatan", "Kecamatan", False, 16, "Kosongkan untuk memakai kecamatan instansi"),
    Column("desa", "Desa/Kelurahan", False, 26, "Pilih dari daftar; kosongkan untuk memakai desa instansi"),
    Column("persons", "Nama Peserta", False, 30, "Pisahkan beberapa nama dengan titik koma (;)"),
    Column("consent", "Izin Publikasi Nama", False, 12, "Ya/Tidak: boleh nama lengkap ditampilkan ke publik?"),
    Column("evidence_urls", "Tautan Bukti", False, 34, "Alamat http(s) piagam/berita; pisahkan dengan spasi"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

LEVEL_LABELS = LEVEL_LABEL
RANK_LABELS = RANK_LABEL
YES_NO = ["Ya", "Tidak"]
_YES = {"ya", "y", "yes", "iya", "boleh", "1", "true", "setuju"}
_NO = {"tidak", "t", "no", "n", "tdk", "0", "false", "tidak boleh"}

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8,
    "agt": 8, "ags": 8, "agust": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11, "desember": 12, "des": 12,
}
_ROMAN = {"i": "1", "ii": "2", "iii": "3"}


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter when matching a cell to a list entry."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(_ROMAN.get(w, w) for w in re.split(r"[^0-9a-z]+", text) if w)


def _header_key(text: str) -> str:
    return _key(text.replace("*", ""))


HEADER_ALIASES: dict[str, str] = {_header_key(c.header): c.key for c in COLUMNS}
HEADER_ALIASES.update({
    "judul": "title", "nama prestasi": "title", "kegiatan": "event_name", "nama kegiatan": "event_name",
    "nama lomba": "event_name", "lomba": "event_name", "level": "level", "juara": "rank",
    "sebutan": "rank_label", "predikat": "rank_label", "tanggal prestasi": "date", "desa": "desa",
    "kelurahan": "desa", "peserta": "persons", "nama": "persons", "izin publikasi": "consent",
    "bukti": "evidence_urls", "tautan": "evidence_urls", "link bukti": "evidence_urls",
})

_LEVEL_BY_KEY = {_key(label): level for level, label in LEVEL_LABELS.items()} | {
    _key(level.value): level for level in AchievementLevel
}
_RANK_BY_KEY = {_key(label): rank for rank, label in RANK_LABELS.items()} | {
    _key(rank.value): rank for rank in AchievementRank
} | {
    "harapan 1": AchievementRank.JUARA_HARAPAN_1, "harapan 2": AchievementRank.JUARA_HARAPAN_2,
    "harapan 3": AchievementRank.JUARA_HARAPAN_3, "emas": AchievementRank.MEDALI_EMAS,
    "perak": AchievementRank.MEDALI_PERAK, "perunggu": AchievementRank.MEDALI_PERUNGGU,
}


# --- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    field: str | None
    code: UserErrorCode
    message: str


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    dry_run: bool
    institution_id: int
    total_rows: int = 0
    valid_rows: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # Compact per-row results: spreadsheet row numbers and, once written, the ids created for them.
    row_numbers: array.array = field(default_factory=lambda: array.array("i"))
    achievement_ids: array.array = field(default_factory=lambda: array.array("q"))
    persons_created: int = 0
    duplicate_hints: int = 0
    batch_id: int | None = None
    # Seconds spent per phase (check, write, duplicates, aggregates), for the CLI and benchmarks.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def committed(self) -> bool:
        return self.batch_id is not None

    @property
    def created_count(self) -> int:
        return len(self.achievement_ids)

    def add(self, problem: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def _problem(row: int, key: str | None, code: UserErrorCode, text: str) -> RowProblem:
    column = COLUMN_BY_KEY[key].header if key else None
    where = f"Baris {row}, kolom {column}" if column else f"Baris {row}"
    return RowProblem(row, column, key, code, f"{where}: {text}")


# --- reference lists --------------------------------------------------------------------------------

@dataclass
class References:
    """Everything a row is checked against, loaded once before the rows are read."""

    categories: dict[str, tuple[int, int]]  # key -> (id, root id)
    category_labels: list[str]
    kecamatan: dict[str, int]
    kecamatan_labels: list[str]
    desa: dict[str, list[tuple[int, int]]]  # key of name -> [(desa id, kecamatan id)]
    desa_labels: list[str]
    desa_by_label: dict[str, tuple[int, int]]
    institution_kecamatan_id: int | None
    institution_desa_id: int | None
    persons: dict[str, int]  # key of name -> person id, within the institution
    today: dt.date


def category_label(name: str, parent: str | None) -> str:
    return f"{parent} › {name}" if parent else name


async def load_lists() -> tuple[list[tuple[str, int, int]], list[tuple[str, int]], list[tuple[str, int, int, str]]]:
    cats = await Category.all().order_by("sort_order", "name").values("id", "name", "parent_id")
    names = {c["id"]: c["name"] for c in cats}
    roots = [c for c in cats if c["parent_id"] is None]
    ordered: list[tuple[str, int, int]] = []
    for root in roots:
        ordered.append((root["name"], root["id"], root["id"]))
        for child in cats:
            if child["parent_id"] == root["id"]:
                ordered.append((category_label(child["name"], names[root["id"]]), child["id"], root["id"]))
    kecamatan = [(k.name, k.id) for k in await Kecamatan.all().order_by("code")]
    kec_names = dict((i, n) for n, i in kecamatan)
    desa = [
        (d["name"], d["id"], d["kecamatan_id"], kec_names[d["kecamatan_id"]])
        for d in await Desa.all().order_by("code").values("id", "name", "kecamatan_id")
    ]
    return ordered, kecamatan, desa


def desa_label(name: str, kecamatan: str) -> str:
    return f"{name} (Kec. {kecamatan})"


async def load_references(institution: Institution) -> References:
    cats, kecamatan, desa = await load_lists()
    categories: dict[str, tuple[int, int]] = {}
    for label, cid, root in cats:
        categories[_key(label)] = (cid, root)
        short = _key(label.split("›")[-1])
        # A sub-category's own name alone is accepted when no other category has that name.
        categories.setdefault(short, (cid, root))
    desa_map: dict[str, list[tuple[int, int]]] = {}
    desa_by_label: dict[str, tuple[int, int]] = {}
    for name, did, kid, kname in desa:
        desa_map.setdefault(_key(name), []).append((did, kid))
        desa_by_label[_key(desa_label(name, kname))] = (did, kid)
    persons = {
        _key(name): pid
        for pid, name in await Person.filter(institution_id=institution.id).order_by("id").values_list("id", "name")
    }
    return References(
        categories=categories,
        category_labels=[label for label, _, _ in cats],
        kecamatan={_key(n): i for n, i in kecamatan},
        kecamatan_labels=[n for n, _ in kecamatan],
        desa=desa_map,
        desa_labels=[desa_label(n, k) for n, _, _, k in desa],
        desa_by_label=desa_by_label,
        institution_kecamatan_id=institution.kecamatan_id,  # type: ignore[attr-defined]
        institution_desa_id=institution.desa_id,  # type: ignore[attr-defined]
        persons=persons,
        today=today_wib(),
    )


# --- reading files ------------------------------------------------------------------------------------

def _is_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COL = re.compile(r"[A-Z]+")


def _column_index(ref: str) -> int:
    letters = _COL.match(ref)
    n = 0
    for ch in letters.group(0) if letters else "":
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xml_text(element: Any) -> str:
    """All text of a shared or inline string (rich text runs joined), without phonetic hints."""
    return "".join(t.text or "" for t in element.iter(f"{_NS}t"))


def _xlsx_rows_streamed(path: Path) -> tuple[Iterator[tuple[int, tuple[Any, ...]]], int | None, Callable[[], None]]:
    """Stream the rows of the data sheet: values only, with dates recognised by their cell style.

    A lean reader instead of openpyxl's read-only mode, which builds a rich-text object for every
    inline string (how openpyxl itself and many generators write text) and is ten times slower."""
    import posixpath
    import xml.etree.ElementTree as ET  # noqa: S405 - the archive is size-limited; no DTDs or entities in XLSX
    import zipfile

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    def unreadable(exc: Exception | None = None) -> UserInputError:
        err = UserInputError.one(
            "file", UserErrorCode.INVALID, "Berkas Excel tidak dapat dibaca; simpan ulang sebagai .xlsx lalu coba lagi."
        )
        if exc is not None:
            err.__cause__ = exc
        return err

    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
        sheets = [(sh.get("name"), targets.get(sh.get(f"{_REL_NS}id"), "")) for sh in workbook.iter(f"{_NS}sheet")]
        if not sheets:
            raise unreadable()
        target = dict(sheets).get(DATA_SHEET) or sheets[0][1]
        sheet_path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if sheet_path not in names:
            raise unreadable()
        pr = workbook.find(f"{_NS}workbookPr")
        epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as fh:
                for _, el in ET.iterparse(fh):  # noqa: S314
                    if el.tag == f"{_NS}si":
                        shared.append(_xml_text(el))
                        el.clear()
        date_styles: set[int] = set()
        if "xl/styles.xml" in names:
            styles = ET.fromstring(archive.read("xl/styles.xml"))  # noqa: S314
            custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(f"{_NS}numFmt")}
            xfs = styles.find(f"{_NS}cellXfs")
            for idx, xf in enumerate(xfs if xfs is not None else []):
                fmt_id = int(xf.get("numFmtId", "0"))
                code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
                if code and is_date_format(code):
                    date_styles.add(idx)
        dimension = None
        with archive.open(sheet_path) as fh:
            head = fh.read(4096).decode("utf-8", "ignore")
        m = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
        if m:
            dimension = int(m.group(1))
    except UserInputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ET.ParseError) as exc:
        raise unreadable(exc) from exc

    row_tag, value_tag, is_tag, t_tag = f"{_NS}row", f"{_NS}v", f"{_NS}is", f"{_NS}t"
    column_of: dict[str, int] = {}

    def cell_value(c: Any) -> Any:
        # Children by position, not find(): a cell is <c><is><t>…</t></is></c> or <c><f>…</f><v>…</v></c>,
        # and a path search per cell was most of the reading time.
        attrs = c.attrib
        kind = attrs.get("t", "n")
        if kind == "inlineStr":
            node = c[0] if len(c) else None
            if node is None or node.tag != is_tag:
                node = c.find(is_tag)
                if node is None:
                    return None
            # One plain run is the usual case; rich text joins its runs.
            if len(node) == 1:
                run = node[0]
                if run.tag == t_tag:
                    return run.text
            return _xml_text(node)
        n = len(c)
        if not n:
            return None
        v = c[n - 1]
        if v.tag != value_tag:
            v = c.find(value_tag)
            if v is None:
                return None
        raw = v.text
        if raw is None:
            return None
        if kind == "s":
            return shared[int(raw)]
        if kind in ("str", "d"):
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "e":
            return None
        number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        style = attrs.get("s")
        if style is not None and int(style) in date_styles:
            return from_excel(number, epoch)
        return number

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        from lxml import etree

        expected = 0
        try:
            with archive.open(sheet_path) as fh:
                parser = etree.iterparse(fh, tag=row_tag, resolve_entities=False, no_network=True, huge_tree=False)
                for _, el in parser:
                    number = int(el.get("r") or expected + 1)
                    expected = number
                    values: list[Any] = []
                    for position, c in enumerate(el):
                        ref = c.get("r")
                        if ref is None:
                            idx = position
                        else:
                            letters = ref.rstrip("0123456789")
                            idx = column_of.get(letters)
                            if idx is None:
                                idx = column_of[letters] = _column_index(letters)
                        if idx >= 64:
                            continue
                        if idx == len(values):
                            values.append(cell_value(c))
                            continue
                        if idx > len(values):
                            values.extend([None] * (idx - len(values) + 1))
                        values[idx] = cell_value(c)
                    # Rows are dropped once read: memory stays flat however long the sheet.
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                    yield number, tuple(values)
        except (etree.XMLSyntaxError, ValueError, IndexError, zipfile.BadZipFile) as exc:
            raise unreadable(exc) from exc

    return rows(), dimension, archive.close


# A cell tag exactly as Excel, LibreOffice and openpyxl write it: the reference first (one letter, at most five
# digits), then only the style/type attributes. When every cell of the sheet looks like this, the sheet's extent
# is at most Z99999 and calamine's table of it stays small.
_PLAIN_CELL = re.compile(rb'<c r="[A-Z][1-9][0-9]{0,4}"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*/?>')
_ANY_CELL = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_DIMENSION = re.compile(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
# Above this the sheet is streamed (a bound on what calamine holds in memory at once).
_CALAMINE_MAX_XML = 256 * 1024 * 1024
_DAY = dt.timedelta(days=1)


def _locate_sheet(archive: Any) -> tuple[str, str, bool] | None:
    """(name, path in the archive, 1904 calendar) of the data sheet, chosen as the streaming reader does."""
    import posixpath
    import xml.etree.ElementTree as ET  # noqa: S405 - small workbook parts of a size-limited archive

    workbook = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
    sheets = [(sh.get("name"), targets.get(sh.get(f"{_REL_NS}id"), "")) for sh in workbook.iter(f"{_NS}sheet")]
    if not sheets:
        return None
    name, target = next(((n, t) for n, t in sheets if n == DATA_SHEET and t), sheets[0])
    sheet_path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    pr = workbook.find(f"{_NS}workbookPr")
    return name or "", sheet_path, pr is not None and pr.get("date1904") in ("1", "true")


def _xlsx_rows(path: Path) -> tuple[Iterator[tuple[int, tuple[Any, ...]]], int | None, Callable[[], None]]:
    """The rows of the data sheet read with calamine (Rust), as the streaming reader yields them: whole numbers
    as int, date cells as datetime, empty cells as None, rows without any value left out.

    calamine holds the sheet as one table from its first to its last cell, so it only reads sheets whose every
    cell is plainly written within A1:Z99999; any other sheet (a stray cell far away, unusual XML, a file
    calamine cannot open) goes to the streaming reader, which gives the same rows or the same refusal."""
    import zipfile

    import python_calamine
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        with zipfile.ZipFile(path) as archive:
            located = _locate_sheet(archive)
            if located is None:
                return _xlsx_rows_streamed(path)
            name, sheet_path, date1904 = located
            info = archive.getinfo(sheet_path)
            if info.file_size > _CALAMINE_MAX_XML or info.compress_type not in (zipfile.ZIP_STORED,
                                                                                 zipfile.ZIP_DEFLATED):
                return _xlsx_rows_streamed(path)
            with archive.open(info) as fh:
                xml = fh.read()
                # The deflate stream ends where the archive says the part ends (nothing unseen follows).
                decompressor = getattr(fh, "_decompressor", None)
                if decompressor is not None and not getattr(decompressor, "eof", True):
                    return _xlsx_rows_streamed(path)
            # Phonetic runs (the streamer keeps their text, calamine drops it) are looked for in the strings.
            phonetic = False
            if "xl/sharedStrings.xml" in archive.namelist():
                strings = archive.getinfo("xl/sharedStrings.xml")
                if strings.file_size > _CALAMINE_MAX_XML:
                    return _xlsx_rows_streamed(path)
                phonetic = b"<rPh" in archive.read(strings)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        return _xlsx_rows_streamed(path)
    # ISO-dated cells (t="d") are text to the streamer and dates to calamine.
    if (phonetic or b"<rPh" in xml or b' t="d"' in xml or b"<!DOCTYPE" in xml or b"<!ENTITY" in xml
            or _PREFIXED_CELL.search(xml) or len(_ANY_CELL.findall(xml)) != len(_PLAIN_CELL.findall(xml))):
        return _xlsx_rows_streamed(path)
    m = _DIMENSION.search(xml[:4096].decode("utf-8", "ignore"))
    dimension = int(m.group(1)) if m else None
    del xml
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # whatever calamine refuses, the streaming reader explains
        return _xlsx_rows_streamed(path)
    try:
        sheet = workbook.get_sheet_by_name(name)
        start = sheet.start
        raw_rows = sheet.iter_rows()
    except Exception:
        workbook.close()
        return _xlsx_rows_streamed(path)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    # calamine's rows count from row 1 but its columns from the first used column.
    pad = [None] * (start[1] if start else 0)
    datetime, date, timedelta = dt.datetime, dt.date, dt.timedelta

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, raw in enumerate(raw_rows, start=1):
            values: list[Any] = list(pad)
            seen = False
            for v in raw:
                cls = v.__class__
                if cls is str:
                    if v:
                        seen = True
                        values.append(v)
                    else:
                        values.append(None)  # an empty cell (or an error value, which the streamer drops)
                    continue
                seen = True
                if cls is float:
                    # Excel writes whole numbers without a decimal point below 1e16; the streamer read them as int.
                    if v.is_integer() and -1e16 < v < 1e16:
                        v = int(v)
                elif cls is date:
                    v = datetime(v.year, v.month, v.day)  # a date cell reads as a datetime at midnight
                elif cls is timedelta:
                    v = from_excel(v / _DAY, epoch)  # a duration-formatted cell, as openpyxl converts it
                values.append(v)
            if seen:
                yield number, tuple(values)

    return rows(), dimension, workbook.close


def _csv_rows(path: Path) -> tuple[Iterator[tuple[int, tuple[Any, ...]]], int | None, Callable[[], None]]:
    raw = path.read_bytes()[:65536]
    encoding = "utf-8-sig"
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the ANSI code page.
        encoding = "cp1252"
    sample = raw.decode(encoding, errors="replace")
    if "\x00" in sample:
        raise UserInputError.one(
            "file", UserErrorCode.UNSUPPORTED_TYPE, "Berkas harus berupa Excel (.xlsx) atau CSV dari templat impor."
        )
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    fh = open(path, encoding=encoding, newline="", errors="replace")  # noqa: SIM115 - closed by the caller
    total = sum(1 for _ in fh)
    fh.seek(0)

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, values in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
            yield number, tuple(values)

    return rows(), total, fh.close


# --- cell parsing ------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        # Most cells are plain printable text: skip the regular expressions of clean().
        if value.isprintable() and "  " not in value:
            return value.strip() or None
        return clean(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _choose(raw: str, table: dict[str, Any], labels: list[str]) -> tuple[Any, str | None]:
    """The entry a cell names, or a message listing the choices (with the closest one as a hint)."""
    found = table.get(_key(raw))
    if found is not None:
        return found, None
    hint = ""
    best = process.extractOne(raw, labels, score_cutoff=70)
    if best:
        hint = f" Maksud Anda '{best[0]}'?"
    listed = ", ".join(labels) if len(labels) <= 12 else ", ".join(labels[:12]) + ", …"
    return None, f"'{raw[:60]}' tidak dikenal; pilih salah satu dari {listed}.{hint}"


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:
            # An Excel serial day number (cell formatted as a number).
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = (_text(value) or "").lower()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        else:
            m = re.fullmatch(r"(?:[a-z]+,?\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text)
            if not m or m[2] not in _MONTHS:
                return None
            d, mo, y = int(m[1]), _MONTHS[m[2]], int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _split_names(text: str) -> list[str]:
    return [n for n in (clean(p) for p in re.split(r"[;\n]+", text)) if n]


class ParsedRow(NamedTuple):
    """What one valid row writes: small, picklable, kept on disk between the two passes."""

    row: int
    values: tuple
    persons: tuple[str, ...]
    urls: tuple[str, ...]


# (key, required, limit) of every text cell a row is read for; the date is parsed on its own.
_TEXT_COLUMNS = tuple((c.key, c.required, c.limit) for c in COLUMNS if c.key != "date")
_LEVEL_CHOICES = list(LEVEL_LABELS.values())
_RANK_CHOICES = list(RANK_LABELS.values())


def parse_row(number: int, cells: dict[str, Any], refs: References, report: ImportReport,
              new_persons: dict[str, tuple[str, bool]]) -> ParsedRow | None:
    before = report.problem_count
    text: dict[str, str | None] = {}
    for key, required, limit in _TEXT_COLUMNS:
        raw = cells.get(key)
        if raw is None:
            value = None
        elif key == "description":
            value = clean(str(raw), multiline=True)
        elif raw.__class__ is str and raw.isprintable() and "  " not in raw:
            # The usual cell: plain printable text (what _text() does first, without the call).
            value = raw.strip() or None
        else:
            value = _text(raw)
        if value is None:
            if required:
                report.add(_problem(number, key, UserErrorCode.REQUIRED, "wajib diisi."))
        elif limit and len(value) > limit:
            report.add(_problem(number, key, UserErrorCode.INVALID, f"terlalu panjang (maksimal {limit} karakter)."))
            value = None
        text[key] = value

    level = rank = None
    if text["level"]:
        level, msg = _choose(text["level"], _LEVEL_BY_KEY, _LEVEL_CHOICES)
        if msg:
            report.add(_problem(number, "level", UserErrorCode.INVALID, msg))
    if text["rank"]:
        rank, msg = _choose(text["rank"], _RANK_BY_KEY, _RANK_CHOICES)
        if msg:
            report.add(_problem(number, "rank", UserErrorCode.INVALID, msg))
    if rank == AchievementRank.PENGHARGAAN and not text["rank_label"]:
        report.add(_problem(number, "rank_label", UserErrorCode.REQUIRED,
                            "untuk penghargaan, isi sebutannya (misalnya 'Predikat Madya' atau 'Opini WTP')."))
    category = None
    if text["category"]:
        category, msg = _choose(text["category"], refs.categories, refs.category_labels)
        if msg:
            report.add(_problem(number, "category", UserErrorCode.NOT_FOUND, msg))

    raw_date = cells.get("date")
    date = None
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        report.add(_problem(number, "date", UserErrorCode.REQUIRED, "wajib diisi."))
    else:
        date = parse_date(raw_date)
        if date is None:
            report.add(_problem(number, "date", UserErrorCode.INVALID,
                                f"'{str(raw_date)[:40]}' bukan tanggal; tulis seperti 12/10/2026."))
        elif date > refs.today:
            report.add(_problem(number, "date", UserErrorCode.INVALID, "tanggal prestasi tidak boleh di masa depan."))
            date = None
        elif date < EARLIEST_DATE:
            report.add(_problem(number, "date", UserErrorCode.INVALID,
                                "tanggal tidak masuk akal; periksa kembali tahunnya."))
            date = None

    kecamatan_id = desa_id = None
    if text["kecamatan"]:
        kecamatan_id, msg = _choose(text["kecamatan"], refs.kecamatan, refs.kecamatan_labels)
        if msg:
            report.add(_problem(number, "kecamatan", UserErrorCode.NOT_FOUND, msg))
    if text["desa"]:
        raw = text["desa"]
        hit = refs.desa_by_label.get(_key(raw))
        options = [hit] if hit else refs.desa.get(_key(raw), [])
        if kecamatan_id is not None:
            options = [o for o in options if o[1] == kecamatan_id]
        elif len(options) > 1 and refs.institution_kecamatan_id is not None:
            local = [o for o in options if o[1] == refs.institution_kecamatan_id]
            options = local or options
        if len(options) == 1:
            desa_id, desa_kec = options[0]
            kecamatan_id = kecamatan_id or desa_kec
        elif not options and (hit or refs.desa.get(_key(raw))):
            report.add(_problem(number, "desa", UserErrorCode.INVALID,
                                f"desa/kelurahan '{raw[:60]}' tidak berada di kecamatan yang dipilih."))
        elif not options:
            _, msg = _choose(raw, {}, refs.desa_labels)
            report.add(_problem(number, "desa", UserErrorCode.NOT_FOUND, msg or ""))
        else:
            report.add(_problem(number, "desa", UserErrorCode.INVALID,
                                f"ada beberapa desa bernama '{raw[:60]}'; isi juga kolom Kecamatan."))
    if kecamatan_id is None and desa_id is None and not text["kecamatan"] and not text["desa"]:
        kecamatan_id, desa_id = refs.institution_kecamatan_id, refs.institution_desa_id

    consent = False
    if text["consent"]:
        k = _key(text["consent"])
        if k in _YES:
            consent = True
        elif k not in _NO:
            report.add(_problem(number, "consent", UserErrorCode.INVALID,
                                f"'{text['consent'][:30]}' tidak dikenal; isi Ya atau Tidak."))
    names: list[str] = []
    if text["persons"]:
        names = list(dict.fromkeys(_split_names(text["persons"])))
        if len(names) > MAX_PERSONS_PER_ROW:
            report.add(_problem(number, "persons", UserErrorCode.TOO_LARGE,
                                f"paling banyak {MAX_PERSONS_PER_ROW} nama dalam satu baris."))
        elif any(len(n) > 200 for n in names):
            report.add(_problem(number, "persons", UserErrorCode.INVALID, "nama terlalu panjang (maksimal 200 karakter)."))
    urls: list[str] = []
    if text["evidence_urls"]:
        for url in re.split(r"[\s;,]+", text["evidence_urls"]):
            if not url:
                continue
            if not valid_http_url(url):
                report.add(_problem(number, "evidence_urls", UserErrorCode.INVALID,
                                    f"tautan '{url[:80]}' tidak valid; gunakan alamat yang diawali http:// atau https://."))
                break
            if url not in urls:
                urls.append(url)
        if len(urls) > MAX_URLS_PER_ROW:
            report.add(_problem(number, "evidence_urls", UserErrorCode.TOO_LARGE,
                                f"paling banyak {MAX_URLS_PER_ROW} tautan bukti."))

    if report.problem_count != before:
        return None
    for name in names:
        k = _key(name)
        if k in refs.persons:
            continue
        # A new person is published by full name only when every row naming them says so.
        prev = new_persons.get(k)
        new_persons[k] = (prev[0] if prev else name, consent if prev is None else prev[1] and consent)
    cat_id, root_id = category  # type: ignore[misc]
    values = (
        text["title"], text["event_name"], text["organizer"], level.value, LEVEL_ORDER.index(level),  # type: ignore[union-attr]
        rank.value, text["rank_label"], cat_id, root_id, date, text["location"], text["description"],  # type: ignore[union-attr]
        (AchieverKind.PERSON if names else AchieverKind.INSTITUTION).value, kecamatan_id, desa_id,
    )
    return ParsedRow(number, values, tuple(_key(n) for n in names), tuple(urls))


def _find_header(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> tuple[dict[int, str], int]:
    """The header row (among the first ten) and which column holds which field."""
    for number, values in rows:
        mapping: dict[int, str] = {}
        for idx, value in enumerate(values):
            if value is None:
                continue
            key = HEADER_ALIASES.get(_header_key(str(value)))
            if key and key not in mapping.values():
                mapping[idx] = key
        if len(mapping) >= 3:
            missing = [c.header for c in COLUMNS if c.required and c.key not in mapping.values()]
            if missing:
                raise UserInputError.one(
                    "file", UserErrorCode.INVALID,
                    f"Kolom wajib tidak ditemukan pada baris judul: {', '.join(missing)}. Gunakan templat impor.",
                )
            return mapping, number
        if number >= 10:
            break
    raise UserInputError.one(
        "file", UserErrorCode.INVALID,
        "Baris judul kolom tidak ditemukan; gunakan templat impor (GET /templates/import-prestasi.xlsx).",
    )


def validate_file(path: Path, is_xlsx: bool, refs: References, report: ImportReport, spool: IO[bytes],
                  new_persons: dict[str, tuple[str, bool]], progress: Progress | None,
                  on_batch: Callable[[list[tuple]], None] | None = None) -> None:
    """First pass: check every row; valid rows go to the spool file in batches, nothing stays in memory.

    `on_batch` receives each spooled batch as long as no row had a problem (the import writes them while
    the rest of the file is checked)."""
    rows, total, close = _xlsx_rows(path) if is_xlsx else _csv_rows(path)
    try:
        mapping, header_row = _find_header(rows)
        total_data = (total - header_row) if total else None
        batch: list[ParsedRow] = []
        for number, values in rows:
            cells = {key: values[idx] for idx, key in mapping.items() if idx < len(values)}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                continue
            report.total_rows += 1
            if report.total_rows > MAX_ROWS:
                raise UserInputError.one(
                    "file", UserErrorCode.TOO_LARGE,
                    f"Berkas berisi lebih dari {MAX_ROWS:,} baris; bagi menjadi beberapa berkas.".replace(",", "."),
                )
            parsed = parse_row(number, cells, refs, report, new_persons)
            if parsed is not None:
                report.valid_rows += 1
                report.row_numbers.append(number)
                if not report.problem_count:
                    batch.append(tuple(parsed))
                    if len(batch) >= BATCH_ROWS:
                        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                        if on_batch is not None:
                            on_batch(batch)
                        batch = []
            if progress and report.total_rows % 500 == 0:
                progress("validate", report.total_rows, total_data)
        if batch and not report.problem_count:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            if on_batch is not None:
                on_batch(batch)
        if progress:
            progress("validate", report.total_rows, report.total_rows)
    finally:
        close()


def _spooled_batches(spool: IO[bytes]) -> Iterator[list[ParsedRow]]:
    spool.seek(0)
    while True:
        try:
            yield [ParsedRow._make(t) for t in pickle.load(spool)]  # noqa: S301 - our own temporary file
        except EOFError:
            return


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


async def _insert_many(conn: Any, table: str, columns: tuple[str, ...], statement: str, rows: list[list]) -> None:
    """PostgreSQL: COPY into the table inside the transaction (several times faster than INSERTs);
    SQLite: executemany of one prepared INSERT."""
    raw = getattr(conn, "_connection", None) if dialect() == "postgres" else None
    if raw is not None and hasattr(raw, "copy_records_to_table"):
        await raw.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    await conn.execute_many(statement, rows)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})")


class _RowProblems(Exception):  # noqa: N818 - control flow: leaves the transaction so that it rolls back
    """Some row had a problem: the rows already written are rolled back."""


_LINK_COLUMNS = ("achievement_id", "person_id")
_URL_COLUMNS = ("achievement_id", "kind", "url", "uploaded_by_id", "created_at")


async def _check_and_write(actor: Actor, institution: Institution, path: Path, is_xlsx: bool, report: ImportReport,
                           spool: IO[bytes], new_persons: dict[str, tuple[str, bool]], refs: References,
                           progress: Progress | None) -> None:
    """Check the file and write its rows in one transaction. On PostgreSQL the two run at once: each batch of
    valid rows is written while the next is checked (the server works while Python reads); the first row
    problem stops the writing, the transaction is rolled back and the report returned, so nothing is kept.
    On SQLite the whole file is checked first, and nothing is begun when a row has a problem.

    Links to persons are written once the whole file is checked: new persons are created only then, with the
    publication consent of every row naming them."""
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
    insert_achievement = _insert_sql("achievement", _ACHIEVEMENT_COLUMNS)
    insert_url = _insert_sql("evidence", _URL_COLUMNS)

    async def write_batch(conn: Any, rows: list[tuple]) -> None:
        ids = await _reserve_ids(conn, "achievement", len(rows))
        achievements, urls = [], []
        for aid, (_, values, _, row_urls) in zip(ids, rows, strict=True):
            report.achievement_ids.append(aid)
            achievements.append([aid, *values, *tail])
            urls.extend([aid, EvidenceKind.URL.value, u, actor.user_id, created_at] for u in row_urls)
        await _insert_many(conn, "achievement", _ACHIEVEMENT_COLUMNS, insert_achievement, achievements)
        if urls:
            await _insert_many(conn, "evidence", _URL_COLUMNS, insert_url, urls)
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
        async with in_transaction() as conn:
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
                for rows in _spooled_batches(spool):
                    await write_batch(conn, rows)
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
                      new_persons: dict[str, tuple[str, bool]], refs: References, progress: Progress | None,
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
        rows = []
        for pid, (key, (name, consent)) in zip(new_ids, new_persons.items(), strict=True):
            person_ids[key] = pid
            rows.append([pid, name, institution.id, refs.institution_kecamatan_id, refs.institution_desa_id,
                         consent, created_at])
        await conn.execute_many(_insert_sql("person", (
            "id", "name", "institution_id", "kecamatan_id", "desa_id", "publication_consent", "created_at",
        )), rows)
    insert_link = _insert_sql("achievement_person", _LINK_COLUMNS)
    ids = report.achievement_ids
    position = 0
    for rows in _spooled_batches(spool):
        links = []
        for parsed in rows:
            aid = ids[position]
            position += 1
            links.extend([aid, person_ids[k]] for k in dict.fromkeys(parsed.persons))
        if links:
            await _insert_many(conn, "achievement_person", _LINK_COLUMNS, insert_link, links)
    return new_ids


async def _finish(actor: Actor, institution: Institution, report: ImportReport,
                  new_persons: dict[str, tuple[str, bool]], new_ids: list[int], progress: Progress | None,
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
    sha = await asyncio.to_thread(_hash_file, path)
    report = ImportReport(file_name=(clean(file_name) or "impor")[:255], sha256=sha, dry_run=dry_run,
                          institution_id=institution.id)
    if await ImportBatch.filter(sha256=sha).exists():
        raise _already_imported()
    refs = await load_references(institution)
    new_persons: dict[str, tuple[str, bool]] = {}
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


# --- the template -------------------------------------------------------------------------------------

EXAMPLE_ROW = {
    "title": "Juara 1 Lomba Paduan Suara Pelajar", "event_name": "Festival Paduan Suara Pelajar 2026",
    "organizer": "Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah", "level": "Provinsi",
    "rank": "Juara 1", "rank_label": "", "category": "Seni & Budaya › Paduan Suara", "date": dt.date(2026, 10, 12),
    "location": "Semarang", "description": "Tim paduan suara sekolah, 24 siswa", "kecamatan": "Bobotsari",
    "desa": "", "persons": "Rina Kusuma; Dimas Prasetyo", "consent": "Ya",
    "evidence_urls": "https://contoh.purbalinggakab.go.id/berita/paduan-suara",
}

INSTRUCTIONS = [
    "Petunjuk pengisian templat impor prestasi",
    "",
    "1. Isi data pada lembar 'Prestasi', satu baris untuk satu prestasi, mulai baris 2. Jangan ubah baris judul.",
    "2. Kolom bertanda merah wajib diisi. Tingkat, Peringkat, Kategori, Kecamatan, Desa/Kelurahan dan Izin "
    "Publikasi dipilih dari daftar.",
    "3. Tanggal: tanggal prestasi (format tanggal Excel, atau tulis 12/10/2026). Tidak boleh di masa depan.",
    "4. Kecamatan dan Desa/Kelurahan boleh dikosongkan: prestasi memakai wilayah instansi.",
    "5. Nama Peserta: pisahkan beberapa nama dengan titik koma (;). Nama yang sudah terdaftar di instansi "
    "dipakai; nama baru didaftarkan. Kosongkan untuk prestasi instansi.",
    "6. Izin Publikasi Nama: 'Ya' bila nama lengkap peserta boleh ditampilkan ke publik; selain itu hanya inisial.",
    "7. Tautan Bukti: alamat http(s) berita atau piagam daring. Berkas piagam/sertifikat diunggah pada setiap "
    "prestasi setelah impor.",
    "8. Semua prestasi hasil impor berstatus Draf. Bila ada satu baris yang salah, tidak ada data yang disimpan; "
    "perbaiki baris yang disebutkan lalu impor ulang. Berkas yang sama tidak dapat diimpor dua kali.",
    "9. Lembar 'Contoh' berisi satu baris contoh; lembar ini tidak ikut diimpor. Berkas CSV dengan kolom yang "
    "sama juga diterima.",
]


def _write_template(cats: list[str], kecamatan: list[str], desa: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    example = wb.create_sheet("Contoh")
    guide = wb.create_sheet("Petunjuk")
    lists = wb.create_sheet("Daftar")

    required_fill = PatternFill("solid", fgColor="C0392B")
    optional_fill = PatternFill("solid", fgColor="2C3E50")
    for sheet in (data, example):
        for idx, col in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=1, column=idx, value=col.header)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = required_fill if col.required else optional_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.comment = Comment(("Wajib. " if col.required else "") + col.hint, "Purbalingga Juara")
            sheet.column_dimensions[get_column_letter(idx)].width = col.width
        sheet.freeze_panes = "A2"
    for idx, col in enumerate(COLUMNS, start=1):
        cell = example.cell(row=2, column=idx, value=EXAMPLE_ROW[col.key] or None)
        if col.key == "date":
            cell.number_format = "DD/MM/YYYY"

    columns = {
        "level": list(LEVEL_LABELS.values()), "rank": list(RANK_LABELS.values()), "category": cats,
        "kecamatan": kecamatan, "desa": desa, "consent": YES_NO,
    }
    names = {"level": "Tingkat", "rank": "Peringkat", "category": "Kategori", "kecamatan": "Kecamatan",
             "desa": "Desa", "consent": "IzinPublikasi"}
    keys = [c.key for c in COLUMNS]
    last_row = 10001
    for list_idx, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(list_idx)
        lists.cell(row=1, column=list_idx, value=COLUMN_BY_KEY[key].header).font = Font(bold=True)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=list_idx, value=value)
        ref = f"Daftar!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[names[key]] = DefinedName(names[key], attr_text=ref)
        dv = DataValidation(type="list", formula1=f"={names[key]}", allow_blank=True, showErrorMessage=True,
                            errorTitle="Pilihan tidak dikenal",
                            error=f"Pilih {COLUMN_BY_KEY[key].header} dari daftar.")
        target = get_column_letter(keys.index(key) + 1)
        dv.add(f"{target}2:{target}{last_row}")
        data.add_data_validation(dv)
    date_col = get_column_letter(keys.index("date") + 1)
    dv_date = DataValidation(type="date", operator="between", formula1="DATE(1945,8,17)", formula2="TODAY()",
                             allow_blank=True, showErrorMessage=True, errorTitle="Tanggal tidak valid",
                             error="Isi tanggal prestasi (tidak boleh di masa depan).")
    dv_date.add(f"{date_col}2:{date_col}{last_row}")
    data.add_data_validation(dv_date)
    for r in range(2, 202):
        data[f"{date_col}{r}"].number_format = "DD/MM/YYYY"
    lists.sheet_state = "hidden"

    guide.column_dimensions["A"].width = 120
    for r, line in enumerate(INSTRUCTIONS, start=1):
        cell = guide.cell(row=r, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True)
        if r == 1:
            cell.font = Font(bold=True, size=14)
    start = len(INSTRUCTIONS) + 2
    guide.cell(row=start, column=1, value="Kolom").font = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=start + 1):
        guide.cell(row=i, column=1, value=f"{col.header}{' (wajib)' if col.required else ''}: {col.hint}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def build_template() -> bytes:
    """The import workbook: data sheet with drop-down lists, an example sheet, instructions, hidden lists."""
    cats, kecamatan, desa = await load_lists()
    return await asyncio.to_thread(
        _write_template, [c for c, _, _ in cats], [k for k, _ in kecamatan],
        [desa_label(n, k) for n, _, _, k in desa],
    )


def template_csv_header() -> str:
    out = io.StringIO()
    csv.writer(out).writerow([c.header for c in COLUMNS])
    return codecs.BOM_UTF8.decode("utf-8") + out.getvalue()


