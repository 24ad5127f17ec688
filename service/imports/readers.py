"""Reading import files: XLSX (calamine, or streamed for unusual files) and CSV, as numbered rows of cells."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from service.errors import UserErrorCode, UserInputError
from service.imports.columns import DATA_SHEET

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
    inline string (how openpyxl itself and many generators write text) and is ten times slower.

    Long on purpose: the row generator and its helpers are closures over the open archive, the shared
    strings and the date styles, read once per file and used for every cell."""
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
                            known = column_of.get(letters)
                            if known is None:
                                known = column_of[letters] = _column_index(letters)
                            idx = known
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


# Bounds checked on the compressed archive before any reader allocates anything: a 42 KB file can unpack to a
# row of ten million cells or eight million shared strings.
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_CELLS = 3_000_000  # MAX_ROWS rows of the template's 15 columns, twice over
MAX_XLSX_SHARED_STRINGS = 2_000_000
_SCAN_CHUNK = 1 << 20


def _too_big(message: str) -> UserInputError:
    return UserInputError.one("file", UserErrorCode.TOO_LARGE, message)


def _count_in_part(archive: Any, name: str, needles: tuple[bytes, ...], limit: int, message: str) -> None:
    """Count tags in an archive part as it unpacks, a chunk at a time; refused as soon as `limit` is passed."""
    count, tail = 0, b""
    with archive.open(name) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            data = tail + chunk
            count += sum(data.count(n) for n in needles)
            if count > limit:
                raise _too_big(message)
            # Keep a few bytes so that a tag split between chunks is counted once (in the next chunk).
            tail = data[-8:]
            count -= sum(tail.count(n) for n in needles)


def check_xlsx_limits(path: Path) -> None:
    """Refuse a workbook whose unpacked size, cell count or shared-string count is over its bound."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # the readers explain an unreadable file
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED_BYTES:
            raise _too_big(f"Isi berkas Excel terlalu besar setelah diekstrak (maksimal "
                           f"{MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)} MB); simpan ulang hanya lembar data.")
        try:
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _count_in_part(archive, info.filename, (b"<c ", b"<c>", b"<c/", b":c "), MAX_XLSX_CELLS,
                                   f"Lembar '{info.filename.rsplit('/', 1)[-1]}' berisi lebih dari "
                                   f"{MAX_XLSX_CELLS:,} sel (batas impor); hapus sel kosong yang terisi format "
                                   "lalu simpan ulang.".replace(",", "."))
                elif info.filename == "xl/sharedStrings.xml":
                    _count_in_part(archive, info.filename, (b"<si>", b"<si ", b":si>", b":si "),
                                   MAX_XLSX_SHARED_STRINGS,
                                   f"Berkas berisi lebih dari {MAX_XLSX_SHARED_STRINGS:,} teks bersama (batas "
                                   "impor); simpan ulang hanya lembar data.".replace(",", "."))
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError):
            return


def _xlsx_rows(path: Path) -> tuple[Iterator[tuple[int, tuple[Any, ...]]], int | None, Callable[[], None]]:
    """The rows of the data sheet read with calamine (Rust), as the streaming reader yields them: whole numbers
    as int, date cells as datetime, empty cells as None, rows without any value left out.

    calamine holds the sheet as one table from its first to its last cell, so it only reads sheets whose every
    cell is plainly written within A1:Z99999; any other sheet (a stray cell far away, unusual XML, a file
    calamine cannot open) goes to the streaming reader, which gives the same rows or the same refusal.

    Long on purpose: each way a sheet can fall back to the streaming reader is decided here, next to the
    calamine call it guards."""
    import zipfile

    import python_calamine
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    check_xlsx_limits(path)
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
        if dimension is None and sheet.end:
            # A writer that leaves <dimension> out (openpyxl's write-only mode): the loaded sheet's last row.
            dimension = sheet.end[0] + 1
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
            # Dispatch on the exact class (a datetime is also a date): a check type checkers do not narrow on.
            v: Any
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


# The standard limit of a CSV cell is 128 KiB, beyond which the reader fails; the file is size-limited anyway,
# and an overlong cell is a row problem ("at most 5000 characters") like any other.
csv.field_size_limit(64 * 1024 * 1024)


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


