"""The import's columns, limits and the labels its cells are matched against."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from service.achievement_rules import EARLIEST_DATE, MAX_PERSONS  # noqa: F401 - EARLIEST_DATE re-exported
from service.enums import (
    AchievementLevel,
    AchievementRank,
)
from service.labels import LEVEL_LABEL, RANK_LABEL

BATCH_ROWS = 1000
DUPLICATE_CHUNK = 5000
MAX_PROBLEMS = 1000
# A bound on work, not on memory: a small compressed file can hold very many rows.
MAX_ROWS = 100_000
MAX_PERSONS_PER_ROW = MAX_PERSONS
MAX_URLS_PER_ROW = 20
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
    Column("consent", "Izin Publikasi Nama", False, 12,
           "Ya/Tidak untuk setiap peserta, urut seperti nama (misalnya 'Ya; Tidak'), atau satu nilai untuk semua"),
    Column("evidence_urls", "Tautan Bukti", False, 34, "Alamat http(s) piagam/berita; pisahkan dengan spasi"),
    Column("roles", "Peran Peserta", False, 16,
           "Siswa, Mahasiswa, Guru, Pegawai, Atlet, Warga atau Lainnya; per peserta dengan titik koma, atau satu "
           "untuk semua; kosong: Siswa di sekolah, selain itu Warga"),
    Column("consent_givers", "Persetujuan Dari", False, 18,
           "Sendiri atau Orang tua/wali, per peserta dengan titik koma; kosong: orang tua/wali untuk anak di bawah "
           "18 tahun (siswa), selain itu sendiri"),
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
    "peran": "roles", "persetujuan dari": "consent_givers", "pemberi persetujuan": "consent_givers",
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

