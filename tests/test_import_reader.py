"""The XLSX reader of the import: calamine's values read as the streaming reader reads them, and sheets calamine
must not read (far cells, unusual XML) go to the streaming reader."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook

from service.errors import UserInputError
from service.imports import readers

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_STYLES = (f'<styleSheet {_NS}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
           "</cellXfs></styleSheet>")


def _handmade(path: Path, sheet_data: str, shared: str | None = None) -> Path:
    """A minimal workbook with the given <sheetData> content (cells written as a generator might)."""
    wb_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
               'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("xl/workbook.xml", f'<workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships"><sheets><sheet name="Prestasi" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {_NS}><sheetData>{sheet_data}</sheetData></worksheet>")
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f"<sst {_NS}>{shared}</sst>")
    return path


def _read(reader, path: Path) -> list[tuple[int, tuple]]:
    rows, _, close = reader(path)
    try:
        # Both readers agree up to trailing empty cells and rows without values (the streamer yields the rows
        # present in the XML, calamine every row; the row checks skip empty rows either way).
        out = []
        for number, values in rows:
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            if any(v is not None for v in values):
                out.append((number, tuple(values)))
        return out
    finally:
        close()


def _same_as_streamed(path: Path) -> list[tuple[int, tuple]]:
    got = _read(readers._xlsx_rows, path)
    assert got == _read(readers._xlsx_rows_streamed, path)
    return got


def test_cell_values_are_those_the_row_checks_always_saw(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Prestasi"
    ws.append(["Judul Prestasi", "Tanggal", "Keterangan"])
    ws.append([2026, dt.date(2026, 9, 14), "  spasi di tepi  "])  # a whole number in a text column
    ws.append([1.5, "14/09/2026", 7])  # a date typed as text
    ws.append([True, dt.datetime(2026, 9, 14, 10, 30), dt.time(10, 30)])
    ws.append(["", None, dt.timedelta(hours=5)])  # an empty string, a duration
    ws.append([None, None, None])
    ws.append([12345678901234, 1e20, -3])
    ws["B8"] = 46000
    ws["B8"].number_format = "dd mmmm yyyy"
    ws["C8"] = 46000
    ws["C8"].number_format = "0.00"
    path = tmp_path / "values.xlsx"
    wb.save(path)
    got = dict(_same_as_streamed(path))
    assert got[2] == (2026, dt.datetime(2026, 9, 14), "  spasi di tepi  ")
    assert type(got[2][0]) is int and type(got[2][1]) is dt.datetime
    assert got[3] == (1.5, "14/09/2026", 7)
    assert got[4] == (True, dt.datetime(2026, 9, 14, 10, 30), dt.time(10, 30))
    assert got[5] == (None, None, dt.time(5, 0))
    assert 6 not in got
    assert got[7] == (12345678901234, 1e20, -3) and type(got[7][1]) is float
    assert got[8] == (None, dt.datetime(2025, 12, 9), 46000)


def test_formula_cells_give_their_cached_value_and_errors_nothing(tmp_path):
    path = _handmade(tmp_path / "formula.xlsx", (
        '<row r="1"><c r="A1" t="str"><f>B1&amp;"x"</f><v>teks</v></c><c r="B1"><f>1+1</f><v>2</v></c>'
        '<c r="C1" s="1"><f>TODAY()</f><v>46000</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="E1"><f>A1</f></c><c r="F1" t="s"><v>0</v></c></row>'
    ), shared="<si><r><t>kaya</t></r><r><t xml:space=\"preserve\"> teks </t></r></si>")
    got = _same_as_streamed(path)
    assert got == [(1, ("teks", 2, dt.datetime(2025, 12, 9), None, None, "kaya teks "))]


def test_data_away_from_the_top_left_corner(tmp_path):
    path = _handmade(tmp_path / "offset.xlsx", (
        '<row r="3"><c r="B3" t="inlineStr"><is><t>Judul</t></is></c></row>'
        '<row r="7"><c r="D7"><v>5</v></c></row>'
    ))
    assert _same_as_streamed(path) == [(3, (None, "Judul")), (7, (None, None, None, 5))]


def test_sheets_calamine_must_not_hold_are_streamed(tmp_path):
    # A stray cell in the last column and row: calamine would hold a table of 17 billion cells.
    far = _handmade(tmp_path / "far.xlsx", (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    ))
    assert _same_as_streamed(far) == [(1, ("a",))]
    # A reference given twice (calamine takes the last one; the XML is not well-formed).
    twice = _handmade(tmp_path / "twice.xlsx", '<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>')
    rows, _, close = readers._xlsx_rows(twice)
    try:
        list(rows)
        raise AssertionError("read")
    except UserInputError as exc:
        assert "tidak dapat dibaca" in str(exc.problems[0].message)
    finally:
        close()
    # Cells without a reference, ISO-dated cells and phonetic runs: streamed, read as before.
    assert _same_as_streamed(_handmade(tmp_path / "noref.xlsx", "<row><c><v>1</v></c><c><v>2</v></c></row>")) == [
        (1, (1, 2))]
    assert _same_as_streamed(_handmade(tmp_path / "iso.xlsx", '<row r="1"><c r="A1" t="d"><v>2026-09-14</v></c></row>'))
    assert _same_as_streamed(_handmade(
        tmp_path / "phonetic.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        shared='<si><t>a</t><rPh sb="0" eb="1"><t>b</t></rPh></si>'))
