"""The import template: a workbook with drop-down lists, an instruction sheet and an example, and its CSV header."""

from __future__ import annotations

import asyncio
import codecs
import csv
import datetime as dt
import io

from service.imports.columns import COLUMN_BY_KEY, COLUMNS, DATA_SHEET, LEVEL_LABELS, RANK_LABELS, YES_NO
from service.imports.references import desa_label, load_lists
from service.persons import GUARDIAN_CONSENT_TEXT

ROLE_CHOICES = ["Siswa", "Mahasiswa", "Guru", "Pegawai", "Atlet", "Warga", "Lainnya"]
GIVER_CHOICES = ["Sendiri", "Orang tua/wali"]

# --- the template -------------------------------------------------------------------------------------

EXAMPLE_ROW = {
    "title": "Juara 1 Lomba Paduan Suara Pelajar", "event_name": "Festival Paduan Suara Pelajar 2026",
    "organizer": "Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah", "level": "Provinsi",
    "rank": "Juara 1", "rank_label": "", "category": "Seni & Budaya › Paduan Suara", "date": dt.date(2026, 10, 12),
    "location": "Semarang", "description": "Tim paduan suara sekolah, 24 siswa", "kecamatan": "Bobotsari",
    "desa": "", "persons": "Rina Kusuma; Dimas Prasetyo", "consent": "Ya; Tidak",
    "roles": "Siswa", "consent_givers": "Orang tua/wali",
    "evidence_urls": "https://contoh.purbalinggakab.go.id/berita/paduan-suara",
}

INSTRUCTIONS = [
    "Petunjuk pengisian templat impor prestasi",
    "",
    "1. Isi data pada lembar 'Prestasi', satu baris untuk satu prestasi, mulai baris 2. Jangan ubah baris judul.",
    "2. Kolom bertanda merah wajib diisi. Tingkat, Peringkat, Kategori, Kecamatan dan Desa/Kelurahan "
    "dipilih dari daftar.",
    "3. Tanggal: tanggal prestasi (format tanggal Excel, atau tulis 12/10/2026). Tidak boleh di masa depan.",
    "4. Kecamatan dan Desa/Kelurahan boleh dikosongkan: prestasi memakai wilayah instansi.",
    "5. Nama Peserta: pisahkan beberapa nama dengan titik koma (;). Nama yang sudah terdaftar di instansi "
    "dipakai; nama baru didaftarkan. Kosongkan untuk prestasi instansi.",
    "6. Izin Publikasi Nama: 'Ya' bila nama lengkap peserta boleh ditampilkan ke publik; selain itu hanya inisial. "
    "Untuk beberapa peserta isi per peserta, urut seperti nama (misalnya 'Ya; Tidak'), atau satu nilai untuk semua. "
    "Peran Peserta dan Persetujuan Dari diisi dengan cara yang sama. " + GUARDIAN_CONSENT_TEXT
    + " Untuk siswa, Persetujuan Dari harus 'Orang tua/wali'.",
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
        "roles": ROLE_CHOICES, "consent_givers": GIVER_CHOICES,
    }
    names = {"level": "Tingkat", "rank": "Peringkat", "category": "Kategori", "kecamatan": "Kecamatan",
             "desa": "Desa", "consent": "IzinPublikasi", "roles": "PeranPeserta", "consent_givers": "PersetujuanDari"}
    # Several persons in a row take one value each ("Ya; Tidak"): these lists suggest, they do not refuse.
    free = {"consent", "roles", "consent_givers"}
    keys = [c.key for c in COLUMNS]
    last_row = 10001
    for list_idx, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(list_idx)
        lists.cell(row=1, column=list_idx, value=COLUMN_BY_KEY[key].header).font = Font(bold=True)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=list_idx, value=value)
        ref = f"Daftar!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[names[key]] = DefinedName(names[key], attr_text=ref)
        dv = DataValidation(type="list", formula1=f"={names[key]}", allow_blank=True,
                            showErrorMessage=key not in free,
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


