"""The demo data set: fictitious institutions, persons and achievements across Kabupaten Purbalingga."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
    InstitutionKind,
    PersonRole,
    Role,
)
from service.persons import default_consent_giver, is_minor_on

log = logging.getLogger("juara.demo")

DEMO_PASSWORD = "juara-demo-2026"  # noqa: S105 - the published password of the demo accounts
DEFAULT_SEED = 3303
BATCH_SIZE = 10_000
PRESS_DRAFTS = 50

L = AchievementLevel
R = AchievementRank
S = AchievementStatus
K = InstitutionKind


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    institution: str | None
    password: str


@dataclass
class DemoResult:
    institutions: int = 0
    persons: int = 0
    achievements: int = 0
    evidence: int = 0
    press_releases: int = 0
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)


# --- vocabulary ------------------------------------------------------------------------------

# Regency agencies; the first two have units below them, the rest stand alone and regency-wide.
DINDIKBUD = "Dinas Pendidikan dan Kebudayaan Kabupaten Purbalingga"
DINKES = "Dinas Kesehatan Kabupaten Purbalingga"
DINPERTAN = "Dinas Pertanian Kabupaten Purbalingga"
OPD_NAMES = [
    DINDIKBUD, DINKES, DINPERTAN,
    "Dinas Komunikasi dan Informatika Kabupaten Purbalingga",
    "Dinas Lingkungan Hidup Kabupaten Purbalingga",
    "Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga",
    "Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Purbalingga",
    "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana Kabupaten Purbalingga",
    "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Purbalingga",
    "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah Kabupaten Purbalingga",
    "Badan Pengelolaan Keuangan dan Aset Daerah Kabupaten Purbalingga",
    "Sekretariat Daerah Kabupaten Purbalingga",
    "Rumah Sakit Umum Daerah dr. R. Goeteng Taroenadibrata",
]
BUMD_NAMES = [
    "Perumda Air Minum Tirta Perwira",
    "PT BPR BKK Purbalingga (Perseroda)",
    "Perumda Puspahastama",
]
REGENCY_ORGANISATIONS = [
    "KONI Kabupaten Purbalingga",
    "Kwartir Cabang Gerakan Pramuka Purbalingga",
    "TP PKK Kabupaten Purbalingga",
]
BUSINESS_PATTERNS = [
    "UD Knalpot {desa} Jaya", "CV Rambut Palsu {desa} Indah", "Koperasi Produsen Gula Kelapa {desa}",
    "UMKM Batik {desa}", "CV Bulu Mata {desa} Lestari", "UD Sale Pisang {desa}",
]
OTHER_PATTERNS = [
    "Sanggar Seni Lengger {desa}", "Pondok Pesantren Al-Hikmah {desa}", "Perpustakaan Desa {desa}",
    "Kelompok Informasi Masyarakat {desa}",
]
ORG_PATTERNS = [
    "Karang Taruna {desa}", "Kelompok Tani Sri Rejeki {desa}", "Kwartir Ranting Pramuka {kec}",
    "TP PKK Kecamatan {kec}", "Perguruan Pencak Silat Satria Perwira {kec}",
]

FIRST_NAMES_F = [
    "Aisyah", "Anisa", "Ayu", "Bunga", "Citra", "Dewi", "Dinda", "Eka", "Fitri", "Galuh", "Indah", "Intan",
    "Kartika", "Laras", "Maya", "Nadia", "Nur", "Putri", "Rahma", "Ratna", "Rina", "Sekar", "Siti", "Tiara",
    "Utami", "Wulan", "Yuni", "Zahra",
]
FIRST_NAMES_M = [
    "Adi", "Agus", "Arif", "Bagas", "Bayu", "Budi", "Dimas", "Eko", "Fajar", "Galih", "Hadi", "Ilham",
    "Joko", "Kurniawan", "Muhammad", "Nanda", "Panji", "Rafi", "Rizky", "Satria", "Slamet", "Teguh",
    "Wahyu", "Yoga", "Yusuf",
]
LAST_NAMES = [
    "Pratama", "Saputra", "Wibowo", "Lestari", "Rahayu", "Santoso", "Nugroho", "Kusuma", "Wijaya",
    "Hidayat", "Setiawan", "Purnomo", "Handayani", "Susanti", "Prasetyo", "Maharani", "Anggraini",
    "Permana", "Ramadhan", "Safitri", "Firmansyah", "Utomo", "Wardani", "Darmawan",
]

# Leaf categories that fit each kind of institution, with a relative weight.
KIND_CATEGORIES: dict[InstitutionKind, list[tuple[str, int]]] = {
    K.SEKOLAH: [
        ("olimpiade-sains", 6), ("lomba-karya-tulis", 3), ("debat-pidato", 3), ("bahasa-literasi", 3),
        ("sekolah-berprestasi", 1), ("guru-tenaga-kependidikan", 2), ("atletik", 3), ("bela-diri", 4),
        ("sepak-bola-futsal", 3), ("bulu-tangkis", 2), ("renang", 2), ("bola-voli", 2), ("paduan-suara", 3),
        ("tari", 3), ("musik", 2), ("seni-rupa", 2), ("teater-sastra", 2), ("adiwiyata", 1), ("pramuka", 2),
        ("robotik-pemrograman", 2), ("mtq", 2),
    ],
    K.PEMERINTAH_DESA: [
        ("tertib-administrasi-desa", 5), ("lomba-desa-kelurahan", 4), ("keterbukaan-informasi", 2),
        ("posyandu", 2), ("kampung-iklim", 1), ("bumdes", 2), ("desa-wisata", 2), ("pkk", 2),
        ("ketahanan-pangan", 1), ("kebersihan-bank-sampah", 1),
    ],
    K.KELURAHAN: [
        ("lomba-desa-kelurahan", 4), ("pelayanan-publik", 3), ("keterbukaan-informasi", 2), ("pkk", 2),
        ("kebersihan-bank-sampah", 2), ("posyandu", 1),
    ],
    K.KECAMATAN: [
        ("pelayanan-publik", 4), ("keterbukaan-informasi", 2), ("inovasi-daerah", 2), ("kebencanaan", 1),
        ("pkk", 1),
    ],
    K.PERANGKAT_DAERAH: [
        ("pelayanan-publik", 3), ("keuangan-daerah", 2), ("keterbukaan-informasi", 2),
        ("kabupaten-layak-anak", 1), ("inovasi-daerah", 3), ("smart-city-egov", 2), ("investasi-perdagangan", 1),
        ("ketahanan-pangan", 1),
    ],
    K.PUSKESMAS: [
        ("puskesmas-berprestasi", 4), ("tenaga-kesehatan", 3), ("sanitasi-stbm", 2), ("posyandu", 2),
    ],
    K.BUMD: [("pelayanan-publik", 2), ("inovasi-daerah", 2), ("investasi-perdagangan", 2)],
    K.ORGANISASI: [
        ("pramuka", 3), ("pemuda-pelopor", 2), ("pkk", 2), ("kebencanaan", 2), ("kelompok-tani", 2),
        ("bela-diri", 3), ("olahraga-lainnya", 2), ("paskibra", 1), ("kesejahteraan-sosial", 1),
    ],
    K.DUNIA_USAHA: [
        ("umkm-berprestasi", 4), ("ekonomi-kreatif", 2), ("koperasi", 2), ("investasi-perdagangan", 1),
    ],
    K.LAINNYA: [
        ("budaya-tradisi", 3), ("tari", 2), ("seni-religi", 2), ("mtq", 2), ("bahasa-literasi", 1),
        ("keterbukaan-informasi", 1),
    ],
}

# How often an institution of each kind is the achiever, relative to the others.
KIND_WEIGHT = {
    K.SEKOLAH: 45, K.PEMERINTAH_DESA: 18, K.KELURAHAN: 3, K.KECAMATAN: 5, K.PERANGKAT_DAERAH: 6,
    K.PUSKESMAS: 6, K.BUMD: 2, K.ORGANISASI: 8, K.DUNIA_USAHA: 4, K.LAINNYA: 3,
}

# Events per leaf category: the event name, and whether it is a contest (ranks) or an award (predicate).
EVENTS: dict[str, list[str]] = {
    "olimpiade-sains": ["Olimpiade Sains Nasional Matematika", "Olimpiade Sains Nasional IPA", "Kompetisi Sains Madrasah", "Olimpiade Fisika Pelajar"],
    "lomba-karya-tulis": ["Lomba Karya Tulis Ilmiah Remaja", "Lomba Penelitian Siswa", "Festival Inovasi Pelajar"],
    "debat-pidato": ["Lomba Debat Bahasa Indonesia", "Lomba Pidato Bahasa Jawa", "National Schools Debating Championship"],
    "bahasa-literasi": ["Lomba Bercerita Bahasa Jawa Banyumasan", "Festival Literasi Sekolah", "Lomba Menulis Cerpen"],
    "sekolah-berprestasi": ["Penghargaan Sekolah Sehat", "Penghargaan Sekolah Ramah Anak"],
    "guru-tenaga-kependidikan": ["Pemilihan Guru Berprestasi", "Lomba Inovasi Pembelajaran Guru", "Pemilihan Kepala Sekolah Berprestasi"],
    "atletik": ["Kejuaraan Atletik Pelajar", "Pekan Olahraga Pelajar Daerah cabang Atletik", "Purbalingga Half Marathon"],
    "bela-diri": ["Kejuaraan Pencak Silat Pelajar", "Kejuaraan Karate Antarpelajar", "Kejuaraan Taekwondo Terbuka"],
    "sepak-bola-futsal": ["Turnamen Futsal Pelajar", "Liga Sepak Bola Pelajar", "Piala Bupati Sepak Bola U-15"],
    "bulu-tangkis": ["Kejuaraan Bulu Tangkis Pelajar", "Turnamen Bulu Tangkis Piala Bupati"],
    "renang": ["Kejuaraan Renang Antarpelajar", "Festival Renang Pelajar"],
    "bola-voli": ["Turnamen Bola Voli Pelajar", "Kejuaraan Bola Voli Antarklub"],
    "olahraga-lainnya": ["Kejuaraan Panahan Terbuka", "Kejuaraan Panjat Tebing", "Kejuaraan Catur Cepat"],
    "paduan-suara": ["Festival Paduan Suara Pelajar", "Lomba Paduan Suara Lagu Daerah"],
    "tari": ["Festival Tari Lengger", "Lomba Tari Kreasi Daerah", "Festival Seni Tari Pelajar"],
    "musik": ["Festival Musik Kentongan", "Lomba Band Pelajar", "Festival Gamelan Pelajar"],
    "seni-rupa": ["Lomba Lukis Pelajar", "Lomba Poster Hari Lingkungan Hidup", "Lomba Desain Batik"],
    "teater-sastra": ["Festival Teater Pelajar", "Lomba Baca Puisi", "Festival Monolog Pelajar"],
    "budaya-tradisi": ["Festival Budaya Purbalingga", "Lomba Ebeg Banyumasan", "Festival Kuda Kepang"],
    "tertib-administrasi-desa": ["Lomba Desa Tertib Administrasi", "Penilaian Administrasi Pemerintahan Desa"],
    "lomba-desa-kelurahan": ["Lomba Desa dan Kelurahan", "Evaluasi Perkembangan Desa dan Kelurahan"],
    "pelayanan-publik": ["Penilaian Kepatuhan Standar Pelayanan Publik", "Kompetisi Inovasi Pelayanan Publik"],
    "keuangan-daerah": ["Opini Pemeriksaan Laporan Keuangan", "Penghargaan Pengelolaan Keuangan Daerah"],
    "keterbukaan-informasi": ["Monitoring dan Evaluasi Keterbukaan Informasi Publik", "Anugerah Keterbukaan Informasi Publik"],
    "kabupaten-layak-anak": ["Evaluasi Kabupaten/Kota Layak Anak", "Anugerah Desa Ramah Anak"],
    "puskesmas-berprestasi": ["Lomba Puskesmas Berprestasi", "Akreditasi Puskesmas"],
    "posyandu": ["Lomba Posyandu Teladan", "Lomba Posyandu Integrasi Layanan Primer"],
    "tenaga-kesehatan": ["Pemilihan Tenaga Kesehatan Teladan", "Lomba Bidan Teladan"],
    "sanitasi-stbm": ["Penghargaan Sanitasi Total Berbasis Masyarakat", "Lomba Desa Stop Buang Air Besar Sembarangan"],
    "adiwiyata": ["Penghargaan Sekolah Adiwiyata", "Lomba Sekolah Hijau"],
    "kampung-iklim": ["Program Kampung Iklim", "Lomba Desa Berseri"],
    "kebersihan-bank-sampah": ["Lomba Bank Sampah", "Lomba Kebersihan Lingkungan"],
    "umkm-berprestasi": ["Anugerah UMKM Berprestasi", "Lomba Produk Unggulan Daerah"],
    "koperasi": ["Penghargaan Koperasi Berprestasi", "Lomba Koperasi Sehat"],
    "bumdes": ["Lomba BUMDes Berprestasi", "Anugerah BUMDes"],
    "investasi-perdagangan": ["Anugerah Layanan Investasi", "Penghargaan Pasar Tertib Ukur"],
    "kelompok-tani": ["Lomba Kelompok Tani Berprestasi", "Penilaian Kelompok Wanita Tani"],
    "ketahanan-pangan": ["Lomba Pekarangan Pangan Lestari", "Penghargaan Ketahanan Pangan"],
    "perikanan-peternakan": ["Lomba Kelompok Pembudidaya Ikan", "Kontes Ternak"],
    "mtq": ["Musabaqah Tilawatil Quran", "Musabaqah Hifdzil Quran", "Lomba Tartil Quran Pelajar"],
    "seni-religi": ["Festival Hadroh", "Lomba Qasidah Rebana"],
    "kerukunan-umat": ["Penghargaan Kerukunan Umat Beragama"],
    "inovasi-daerah": ["Innovative Government Award", "Kompetisi Inovasi Daerah", "Lomba Inovasi Desa"],
    "robotik-pemrograman": ["Kompetisi Robotik Pelajar", "Lomba Pemrograman Pelajar", "Olimpiade Informatika"],
    "smart-city-egov": ["Evaluasi Sistem Pemerintahan Berbasis Elektronik", "Penghargaan Kota Cerdas"],
    "desa-wisata": ["Anugerah Desa Wisata", "Lomba Desa Wisata"],
    "duta-wisata": ["Pemilihan Duta Wisata", "Pemilihan Kakang Mbekayu Purbalingga"],
    "ekonomi-kreatif": ["Lomba Kriya Kreatif", "Festival Ekonomi Kreatif"],
    "pramuka": ["Lomba Tingkat Penggalang", "Jambore Pramuka", "Lomba Tingkat Penegak"],
    "paskibra": ["Lomba Gerak Jalan Tingkat Pelajar", "Lomba Baris-berbaris"],
    "pemuda-pelopor": ["Pemilihan Pemuda Pelopor", "Anugerah Pemuda Inspiratif"],
    "pkk": ["Lomba Pelaksana Terbaik 10 Program Pokok PKK", "Lomba Hatinya PKK"],
    "kebencanaan": ["Lomba Desa Tangguh Bencana", "Lomba Relawan Tanggap Bencana"],
    "kesejahteraan-sosial": ["Penghargaan Pekerja Sosial Masyarakat Teladan", "Lomba Karang Taruna Berprestasi"],
}

# Categories whose events are judged as awards with a predicate rather than contests.
AWARD_CATEGORIES = {
    "keuangan-daerah", "keterbukaan-informasi", "kabupaten-layak-anak", "pelayanan-publik", "smart-city-egov",
    "adiwiyata", "kampung-iklim", "sanitasi-stbm", "sekolah-berprestasi", "investasi-perdagangan",
    "puskesmas-berprestasi", "kerukunan-umat",
}
# Categories with medals (sport and science olympiads).
MEDAL_CATEGORIES = {
    "olimpiade-sains", "atletik", "bela-diri", "bulu-tangkis", "renang", "olahraga-lainnya",
    "robotik-pemrograman",
}
# Categories in which persons (students, athletes, teachers, officials) are the achievers.
PERSON_CATEGORIES = {
    "olimpiade-sains", "lomba-karya-tulis", "debat-pidato", "bahasa-literasi", "guru-tenaga-kependidikan",
    "atletik", "bela-diri", "bulu-tangkis", "renang", "olahraga-lainnya", "tari", "musik", "seni-rupa",
    "teater-sastra", "mtq", "tenaga-kesehatan", "duta-wisata", "pemuda-pelopor", "robotik-pemrograman",
    "sepak-bola-futsal", "bola-voli", "paduan-suara", "pramuka", "paskibra",
}

PREDICATES: dict[str, list[str]] = {
    "keuangan-daerah": ["Opini WTP", "Opini Wajar Tanpa Pengecualian Tujuh Kali Berturut-turut"],
    "keterbukaan-informasi": ["Predikat Informatif", "Predikat Menuju Informatif"],
    "kabupaten-layak-anak": ["Predikat Madya", "Predikat Nindya", "Predikat Pratama"],
    "pelayanan-publik": ["Predikat Zona Hijau", "Predikat Pelayanan Prima"],
    "smart-city-egov": ["Predikat Baik", "Predikat Sangat Baik"],
    "adiwiyata": ["Sekolah Adiwiyata Mandiri", "Sekolah Adiwiyata Nasional"],
    "kampung-iklim": ["Trofi Proklim Utama", "Sertifikat Proklim Madya"],
    "sanitasi-stbm": ["Penghargaan STBM Pratama", "Penghargaan STBM Madya"],
    "sekolah-berprestasi": ["Sekolah Sehat Terbaik", "Sekolah Ramah Anak"],
    "investasi-perdagangan": ["Predikat Sangat Responsif", "Sertifikat Pasar Tertib Ukur"],
    "puskesmas-berprestasi": ["Akreditasi Paripurna", "Puskesmas Terbaik"],
    "kerukunan-umat": ["Harmony Award"],
}
GENERIC_PREDICATES = ["Penghargaan Terbaik", "Predikat Istimewa", "Anugerah Kategori Inovatif"]

RANK_TEXT = {
    R.JUARA_1: "Juara 1", R.JUARA_2: "Juara 2", R.JUARA_3: "Juara 3",
    R.JUARA_HARAPAN_1: "Juara Harapan 1", R.JUARA_HARAPAN_2: "Juara Harapan 2",
    R.JUARA_HARAPAN_3: "Juara Harapan 3", R.MEDALI_EMAS: "Medali Emas", R.MEDALI_PERAK: "Medali Perak",
    R.MEDALI_PERUNGGU: "Medali Perunggu", R.FINALIS: "Finalis",
}
CONTEST_RANKS = [R.JUARA_1, R.JUARA_2, R.JUARA_3, R.JUARA_HARAPAN_1, R.JUARA_HARAPAN_2, R.JUARA_HARAPAN_3, R.FINALIS]
CONTEST_RANK_WEIGHTS = [24, 22, 22, 10, 7, 5, 10]
MEDAL_RANKS = [R.MEDALI_EMAS, R.MEDALI_PERAK, R.MEDALI_PERUNGGU, R.JUARA_1, R.JUARA_2, R.JUARA_3, R.FINALIS]
MEDAL_RANK_WEIGHTS = [14, 14, 16, 16, 14, 14, 6]

LEVEL_WEIGHTS = {
    L.DESA: 6, L.KECAMATAN: 22, L.KABUPATEN: 32, L.KARESIDENAN: 12, L.PROVINSI: 17, L.NASIONAL: 9,
    L.INTERNASIONAL: 2,
}
LEVEL_SUFFIX = {
    L.DESA: "Tingkat Desa", L.KECAMATAN: "Tingkat Kecamatan", L.KABUPATEN: "Tingkat Kabupaten",
    L.KARESIDENAN: "Tingkat Karesidenan Banyumas", L.PROVINSI: "Tingkat Provinsi Jawa Tengah",
    L.NASIONAL: "Tingkat Nasional", L.INTERNASIONAL: "Tingkat Internasional",
}
ORGANIZERS: dict[AchievementLevel, dict[str, list[str]]] = {
    L.DESA: {"*": ["Panitia Peringatan HUT RI Desa {desa}", "Pemerintah Desa {desa}"]},
    L.KECAMATAN: {
        "edu": ["Koordinator Wilayah Bidang Pendidikan Kecamatan {kec}", "Kecamatan {kec}"],
        "*": ["Kecamatan {kec}", "TP PKK Kecamatan {kec}"],
    },
    L.KABUPATEN: {
        "edu": ["Dinas Pendidikan dan Kebudayaan Kabupaten Purbalingga"],
        "sport": ["KONI Kabupaten Purbalingga", "Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga"],
        "health": ["Dinas Kesehatan Kabupaten Purbalingga"],
        "*": ["Pemerintah Kabupaten Purbalingga", "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga"],
    },
    L.KARESIDENAN: {
        "edu": ["Universitas Jenderal Soedirman", "Cabang Dinas Pendidikan Wilayah X"],
        "*": ["Badan Koordinasi Wilayah Pembangunan III Provinsi Jawa Tengah"],
    },
    L.PROVINSI: {
        "edu": ["Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah", "Balai Pengembangan Talenta Jawa Tengah"],
        "sport": ["KONI Provinsi Jawa Tengah", "Dinas Kepemudaan, Olahraga dan Pariwisata Provinsi Jawa Tengah"],
        "health": ["Dinas Kesehatan Provinsi Jawa Tengah"],
        "*": ["Pemerintah Provinsi Jawa Tengah", "Komisi Informasi Provinsi Jawa Tengah"],
    },
    L.NASIONAL: {
        "edu": ["Kemendikdasmen", "Balai Pengembangan Talenta Indonesia", "Kementerian Agama"],
        "sport": ["Kementerian Pemuda dan Olahraga", "Pengurus Besar Persatuan Olahraga Indonesia"],
        "health": ["Kementerian Kesehatan"],
        "*": ["Kementerian Dalam Negeri", "Kementerian PANRB", "Badan Pemeriksa Keuangan",
              "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak", "Kementerian Lingkungan Hidup"],
    },
    L.INTERNASIONAL: {
        "edu": ["International Young Scientists Olympiad Committee", "Asia Pacific Youth Arts Festival"],
        "sport": ["Asian Youth Pencak Silat Federation", "ASEAN Schools Sports Council"],
        "*": ["ASEAN Smart Cities Network", "United Cities and Local Governments Asia-Pacific"],
    },
}
LOCATIONS = {
    L.DESA: ["Balai Desa {desa}"], L.KECAMATAN: ["Pendopo Kecamatan {kec}", "GOR Kecamatan {kec}"],
    L.KABUPATEN: ["Pendopo Dipokusumo, Purbalingga", "GOR Goentoer Darjono, Purbalingga", "Purbalingga"],
    L.KARESIDENAN: ["Purwokerto", "Banjarnegara", "Cilacap"],
    L.PROVINSI: ["Semarang", "Surakarta", "Magelang"],
    L.NASIONAL: ["Jakarta", "Yogyakarta", "Bandung", "Surabaya"],
    L.INTERNASIONAL: ["Kuala Lumpur, Malaysia", "Bangkok, Thailand", "Singapura", "daring"],
}
REJECTION_REASONS = [
    "Piagam yang diunggah tidak terbaca; mohon unggah ulang dengan resolusi lebih tinggi.",
    "Nama peserta pada piagam berbeda dengan data yang diisikan.",
    "Tingkat kejuaraan tidak sesuai dengan piagam (tertulis tingkat kecamatan).",
    "Tanggal kegiatan tidak sesuai dengan bukti; mohon periksa kembali.",
    "Bukti berupa tautan tidak dapat dibuka; mohon lampirkan berkas piagam.",
]

SPORT = {"atletik", "bela-diri", "sepak-bola-futsal", "bulu-tangkis", "renang", "bola-voli", "olahraga-lainnya"}
HEALTH = {"puskesmas-berprestasi", "posyandu", "tenaga-kesehatan", "sanitasi-stbm"}
EDU_ROOTS = {"pendidikan-akademik", "seni-budaya", "teknologi-inovasi", "kepemudaan", "keagamaan"}


# --- planning ------------------------------------------------------------------------------

@dataclass
class _Inst:
    id: int
    name: str
    kind: InstitutionKind
    kecamatan_id: int | None
    desa_id: int | None
    parent: _Inst | None
    path: str = ""
    kec_name: str = "Purbalingga"
    desa_name: str = "Purbalingga"
    person_ids: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    institutions: list[_Inst] = field(default_factory=list)
    persons: list[tuple] = field(default_factory=list)


class _Ids:
    """Hands out primary keys above the current maximum, so that rows can reference each other before insert."""

    def __init__(self, start: int) -> None:
        self.next = start

    def __call__(self) -> int:
        value = self.next
        self.next += 1
        return value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fake_nik(rng: random.Random, kec_index: int, birth: dt.date, female: bool) -> str:
    # Real NIK layout (region, birth date, serial) but with serial 0000, which is never issued.
    day = birth.day + (40 if female else 0)
    return f"3303{kec_index:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}0000"


def _person_name(rng: random.Random, female: bool) -> str:
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    if rng.random() < 0.25:
        first = f"{first} {rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)}"
    return f"{first} {rng.choice(LAST_NAMES)}"


def _plan_institutions(rng: random.Random, kecamatan: list[Any], desa: list[Any], next_id: _Ids) -> _Plan:
    plan = _Plan()
    kec_by_id = {k.id: k for k in kecamatan}

    def add(name: str, kind: InstitutionKind, parent: _Inst | None, kec: Any = None, ds: Any = None) -> _Inst:
        inst = _Inst(next_id(), name, kind, kec.id if kec else None, ds.id if ds else None, parent)
        inst.path = f"{parent.path if parent else '/'}{inst.id}/"
        if kec is not None:
            inst.kec_name = kec.name
            inst.desa_name = ds.name if ds is not None else kec.name
        plan.institutions.append(inst)
        return inst

    opd = {name: add(name, K.PERANGKAT_DAERAH, None) for name in OPD_NAMES}
    bumd = [add(name, K.BUMD, None) for name in BUMD_NAMES]
    for name in REGENCY_ORGANISATIONS:
        add(name, K.ORGANISASI, None)

    desa_by_kec: dict[int, list[Any]] = {}
    for d in desa:
        desa_by_kec.setdefault(d.kecamatan_id, []).append(d)

    for kec in kecamatan:
        villages = desa_by_kec.get(kec.id, [])
        office = add(f"Kecamatan {kec.name}", K.KECAMATAN, None, kec)
        for d in villages:
            if d.is_kelurahan:
                add(f"Kelurahan {d.name}", K.KELURAHAN, office, kec, d)
            else:
                add(f"Pemerintah Desa {d.name}", K.PEMERINTAH_DESA, office, kec, d)
        sample = rng.sample(villages, k=min(len(villages), 4))
        for number, d in enumerate(sample, start=1):
            add(f"SD Negeri {number} {d.name}", K.SEKOLAH, opd[DINDIKBUD], kec, d)
        for number in (1, 2):
            add(f"SMP Negeri {number} {kec.name}", K.SEKOLAH, opd[DINDIKBUD], kec, rng.choice(villages))
        if kec.code in {"33.03.01", "33.03.05", "33.03.06", "33.03.09", "33.03.11", "33.03.15", "33.03.13", "33.03.03"}:
            add(f"SMA Negeri 1 {kec.name}", K.SEKOLAH, opd[DINDIKBUD], kec, rng.choice(villages))
        else:
            add(f"SMK Negeri 1 {kec.name}", K.SEKOLAH, opd[DINDIKBUD], kec, rng.choice(villages))
        add(f"Puskesmas {kec.name}", K.PUSKESMAS, opd[DINKES], kec, rng.choice(villages))
        add(f"Balai Penyuluhan Pertanian Kecamatan {kec.name}", K.PERANGKAT_DAERAH, opd[DINPERTAN], kec)
        add(f"{BUMD_NAMES[0]} Unit {kec.name}", K.BUMD, bumd[0], kec)
        for pattern in rng.sample(ORG_PATTERNS, k=2):
            d = rng.choice(villages)
            add(pattern.format(desa=d.name, kec=kec.name), K.ORGANISASI, None, kec, d)
        d = rng.choice(villages)
        add(rng.choice(BUSINESS_PATTERNS).format(desa=d.name), K.DUNIA_USAHA, None, kec, d)
        d = rng.choice(villages)
        add(rng.choice(OTHER_PATTERNS).format(desa=d.name), K.LAINNYA, None, kec, d)
    assert all(i.kecamatan_id is None or i.kecamatan_id in kec_by_id for i in plan.institutions)
    return plan


PERSONS_PER_KIND = {
    K.SEKOLAH: 12, K.PEMERINTAH_DESA: 3, K.KELURAHAN: 2, K.KECAMATAN: 2, K.PUSKESMAS: 4, K.ORGANISASI: 6,
    K.LAINNYA: 4, K.PERANGKAT_DAERAH: 2, K.DUNIA_USAHA: 2, K.BUMD: 1,
}


def _plan_persons(rng: random.Random, plan: _Plan, next_id: _Ids, kec_index: dict[int, int],
                  today: dt.date, now: dt.datetime) -> None:
    for inst in plan.institutions:
        for _ in range(PERSONS_PER_KIND[inst.kind]):
            female = rng.random() < 0.5
            pid = next_id()
            inst.person_ids.append(pid)
            # Students are young; everyone else is an adult.
            age = rng.randint(7, 18) if inst.kind == K.SEKOLAH and rng.random() < 0.8 else rng.randint(22, 58)
            birth = today.replace(year=today.year - age, month=1, day=1) + dt.timedelta(days=rng.randint(0, 364))
            has_personal = rng.random() < 0.35
            nik = _fake_nik(rng, kec_index.get(inst.kecamatan_id or 0, 0), birth, female) if has_personal else None
            phone = f"0812{rng.randint(0, 99_999_999):08d}" if has_personal and age >= 17 else None
            name = _person_name(rng, female)
            consent = rng.random() < 0.7
            role = _demo_role(inst.kind, age)
            stored_birth = birth if has_personal else None
            giver = default_consent_giver(is_minor_on(stored_birth, role, today)).value if consent else None
            plan.persons.append((
                pid, name, inst.id, inst.kecamatan_id, inst.desa_id,
                consent, nik, stored_birth, phone, now, role.value, giver, now if consent else None,
            ))


_STAFF_KINDS = {K.PEMERINTAH_DESA, K.KELURAHAN, K.KECAMATAN, K.PUSKESMAS, K.PERANGKAT_DAERAH, K.BUMD}


def _demo_role(kind: K, age: int) -> PersonRole:
    if kind == K.SEKOLAH:
        return PersonRole.SISWA if age <= 18 else PersonRole.GURU
    return PersonRole.PEGAWAI if kind in _STAFF_KINDS else PersonRole.WARGA


def _choose(rng: random.Random, options: dict[str, list[str]], domain: str) -> str:
    return rng.choice(options.get(domain) or options["*"])


class _Draw:
    """Cheap draws from a seeded generator; random.choices/randint cost too much per row at a million rows."""

    def __init__(self, rng: random.Random) -> None:
        self.random = rng.random
        self.sample = rng.sample

    def int(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def weighted(self, seq: Sequence[Any], cumulative: list[float]) -> Any:
        return seq[bisect.bisect_right(cumulative, self.random() * cumulative[-1])]


def _cumulative(weights: Sequence[int]) -> list[float]:
    return list(itertools.accumulate(float(w) for w in weights))


def _achievements(
    rng: random.Random, n: int, plan: _Plan, cats: dict[str, Any], ids: _Ids, today: dt.date,
    now: dt.datetime, created_by: int | None,
) -> Iterator[tuple[tuple, list[tuple[int, int]], list[tuple]]]:
    """Yields (achievement row, person links, evidence rows) one achievement at a time."""
    draw = _Draw(rng)
    by_kind: dict[InstitutionKind, list[_Inst]] = {}
    by_kec: dict[int, list[_Inst]] = {}
    for inst in plan.institutions:
        by_kind.setdefault(inst.kind, []).append(inst)
        if inst.kecamatan_id is not None:
            by_kec.setdefault(inst.kecamatan_id, []).append(inst)
    kec_ids = sorted(by_kec)
    kinds = list(KIND_WEIGHT)
    kind_cw = _cumulative([KIND_WEIGHT[k] for k in kinds])
    kind_pools = [by_kind[k] for k in kinds]
    levels = list(LEVEL_WEIGHTS)
    level_cw = _cumulative([LEVEL_WEIGHTS[x] for x in levels])
    level_order = {level: LEVEL_ORDER.index(level) for level in L}
    statuses = [S.VERIFIED, S.SUBMITTED, S.DRAFT, S.REJECTED]
    status_cw = _cumulative([80, 8, 7, 5])
    contest_cw = _cumulative(CONTEST_RANK_WEIGHTS)
    medal_cw = _cumulative(MEDAL_RANK_WEIGHTS)
    cat_choices = {k: ([c for c, _ in v], _cumulative([w for _, w in v])) for k, v in KIND_CATEGORIES.items()}
    medals = (R.MEDALI_EMAS, R.MEDALI_PERAK, R.MEDALI_PERUNGGU)
    all_ranks = list(R)
    teams = {"sepak-bola-futsal", "bola-voli", "paduan-suara", "pramuka", "paskibra"}
    days_back = 5 * 365
    eight = dt.time(8)
    one_day = dt.timedelta(days=1)
    one_hour = dt.timedelta(hours=1)
    one_minute = dt.timedelta(minutes=1)
    latest_submit = now - 20 * one_minute
    latest_decision = now - 5 * one_minute
    for i in range(n):
        # The first rows go round every kecamatan, level, rank and status, so small sets cover them all.
        forced_rank = all_ranks[i % len(all_ranks)] if i < 11 * 7 else None
        if i < len(kec_ids):
            pool = by_kec[kec_ids[i]]
            wanted = {K.SEKOLAH} if forced_rank in medals else (
                {K.PEMERINTAH_DESA, K.KELURAHAN, K.PUSKESMAS} if forced_rank == R.PENGHARGAAN else None)
            fitting = [x for x in pool if wanted is None or x.kind in wanted]
            inst = draw.pick(fitting or pool)
        elif forced_rank in medals:
            inst = draw.pick(by_kind[K.SEKOLAH])
        else:
            inst = draw.pick(draw.weighted(kind_pools, kind_cw))
        slugs, slug_cw = cat_choices[inst.kind]
        if forced_rank in medals:
            slug = draw.pick([s for s in slugs if s in MEDAL_CATEGORIES] or slugs)
        elif forced_rank == R.PENGHARGAAN:
            slug = draw.pick([s for s in slugs if s in AWARD_CATEGORIES] or slugs)
        else:
            slug = draw.weighted(slugs, slug_cw)
        cat = cats[slug]
        level = LEVEL_ORDER[i % 7] if i < 7 * 11 else draw.weighted(levels, level_cw)
        if forced_rank is not None:
            rank = forced_rank
        elif slug in AWARD_CATEGORIES:
            rank = R.PENGHARGAAN if draw.random() < 0.8 else draw.pick((R.JUARA_1, R.JUARA_2, R.JUARA_3))
        elif slug in MEDAL_CATEGORIES:
            rank = draw.weighted(MEDAL_RANKS, medal_cw)
        else:
            rank = draw.weighted(CONTEST_RANKS, contest_cw)
        status = statuses[i % 4] if i < 8 else draw.weighted(statuses, status_cw)

        event = draw.pick(EVENTS[slug])
        date = today - draw.int(1, days_back) * one_day
        suffix = LEVEL_SUFFIX[level]
        event_name = f"{event} {suffix} Tahun {date.year}"
        rank_label = None
        if rank == R.PENGHARGAAN:
            rank_label = draw.pick(PREDICATES.get(slug, GENERIC_PREDICATES))
            title = f"{rank_label} {event}"
        else:
            title = f"{RANK_TEXT[rank]} {event}"
        root_slug = cat["root_slug"]
        domain = "sport" if slug in SPORT else "health" if slug in HEALTH else "edu" if root_slug in EDU_ROOTS else "*"
        organizers = ORGANIZERS[level]
        organizer = draw.pick(organizers.get(domain) or organizers["*"])
        location = draw.pick(LOCATIONS[level])
        if "{" in organizer:
            organizer = organizer.format(desa=inst.desa_name, kec=inst.kec_name)
        if "{" in location:
            location = location.format(desa=inst.desa_name, kec=inst.kec_name)

        persons: list[int] = []
        if slug in PERSON_CATEGORIES and inst.person_ids and draw.random() < 0.75:
            k = draw.int(3, 5) if slug in teams else draw.int(1, 2)
            persons = draw.sample(inst.person_ids, k=min(k, len(inst.person_ids)))
        description = f"{inst.name} meraih {title} pada {event_name} yang diselenggarakan oleh {organizer}."

        created = dt.datetime.combine(date, eight, dt.UTC) + draw.int(1, 10) * one_day + draw.int(0, 600) * one_minute
        created = min(created, now - draw.int(30, 600) * one_minute)
        submitted_at = verified_at = rejection = None
        updated = created
        version = 1
        if status != S.DRAFT:
            submitted_at = updated = min(created + draw.int(1, 72) * one_hour, latest_submit)
            version = 2
            if status == S.VERIFIED:
                verified_at = updated = min(submitted_at + draw.int(2, 240) * one_hour, latest_decision)
                version = 3
            elif status == S.REJECTED:
                rejection = draw.pick(REJECTION_REASONS)
                updated = min(submitted_at + draw.int(2, 120) * one_hour, latest_decision)
                version = 3
        aid = ids()
        row = (
            aid, title, event_name, organizer, level.value, level_order[level], rank.value, rank_label,
            cat["id"], cat["root_id"], date, location, description,
            (AchieverKind.PERSON if persons else AchieverKind.INSTITUTION).value, inst.id,
            inst.kind.value, inst.kecamatan_id, inst.desa_id, status.value, rejection, submitted_at, verified_at,
            created, updated, created_by, version,
        )
        evidence: list[tuple] = []
        if submitted_at is not None:
            evidence.append((aid, EVIDENCE_URL, f"https://bukti.example.org/piagam/{aid}.pdf",
                             "Piagam penghargaan", created))
            if draw.random() < 0.3:
                evidence.append((aid, EVIDENCE_URL, f"https://bukti.example.org/foto/{aid}.jpg",
                                 "Foto penyerahan piagam", created))
        yield row, [(aid, p) for p in persons], evidence


EVIDENCE_URL = EvidenceKind.URL.value


ACHIEVEMENT_COLUMNS = (
    "id", "title", "event_name", "organizer", "level", "level_order", "rank", "rank_label", "category_id",
    "category_root_id", "date", "location", "description", "achiever_kind", "institution_id", "institution_kind",
    "kecamatan_id", "desa_id", "status", "rejection_reason", "submitted_at", "verified_at", "created_at",
    "updated_at", "created_by_id", "version",
)
INSTITUTION_COLUMNS = ("id", "name", "kind", "kecamatan_id", "desa_id", "parent_id", "path", "created_at")
PERSON_COLUMNS = (
    "id", "name", "institution_id", "kecamatan_id", "desa_id", "publication_consent", "nik", "birth_date",
    "phone", "created_at", "role", "consent_given_by", "consent_recorded_at",
)
LINK_COLUMNS = ("achievement_id", "person_id")
EVIDENCE_COLUMNS = ("achievement_id", "kind", "url", "description", "created_at")


# --- writing -------------------------------------------------------------------------------

class _Writer:
    """Bulk inserts: COPY on PostgreSQL, executemany on SQLite; columns the seed leaves out get the
    model's default, so that fields added to a model later do not break seeding."""

    def __init__(self, conn: Any, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self._extras: dict[str, tuple[tuple[str, ...], tuple]] = {}

    def _extra_columns(self, model: Any, columns: Sequence[str]) -> tuple[tuple[str, ...], tuple]:
        table = model._meta.db_table
        if table not in self._extras:
            names, values = [], []
            for name, column in model._meta.fields_db_projection.items():
                fld = model._meta.fields_map[name]
                if column in columns or getattr(fld, "generated", False):
                    continue
                default = fld.default() if callable(fld.default) else fld.default
                if default is None and (getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False)):
                    default = _now()
                if default is None:
                    continue
                names.append(column)
                values.append(fld.to_db_value(default, None) if self.dialect == "sqlite" else
                              getattr(default, "value", default))
            self._extras[table] = (tuple(names), tuple(values))
        return self._extras[table]

    async def insert(self, model: Any, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        extra_names, extra_values = self._extra_columns(model, columns)
        all_columns = tuple(columns) + extra_names
        if extra_values:
            rows = [row + extra_values for row in rows]
        table = model._meta.db_table
        if self.dialect == "postgres":
            async with self.conn.acquire_connection() as raw:
                await raw.copy_records_to_table(table, records=rows, columns=list(all_columns))
        else:
            marks = ", ".join("?" for _ in all_columns)
            quoted = ", ".join(f'"{c}"' for c in all_columns)
            await self.conn.execute_many(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608

    async def reset_sequence(self, model: Any) -> None:
        if self.dialect != "postgres":
            return  # SQLite continues after the largest rowid on its own
        table = model._meta.db_table
        await self.conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - model table names
            f"GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))"
        )


async def _max_id(conn: Any, table: str) -> int:
    _, rows = await conn.execute_query(f'SELECT MAX(id) AS m FROM "{table}"')  # noqa: S608 - fixed names
    return int(rows[0]["m"] or 0) if rows else 0


async def _has_data() -> bool:
    from service.models import Achievement, Institution

    return await Institution.exists() or await Achievement.exists()


def _progress(console: Any):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=console is None, transient=False,
    )


DEMO_ACCOUNTS = [
    # username, full name, role, which institution (by name) or None
    ("admin", "Administrator Dinkominfo", Role.ADMIN, None),
    ("verifikator", "Verifikator Bidang Informatika", Role.VERIFIER, None),
    ("editor", "Editor Bidang IKP", Role.EDITOR, None),
    ("dindikbud", "Operator Dindikbud", Role.CONTRIBUTOR, DINDIKBUD),
    ("smpn1bobotsari", "Operator SMP Negeri 1 Bobotsari", Role.CONTRIBUTOR, "SMP Negeri 1 Bobotsari"),
    ("kec.bobotsari", "Operator Kecamatan Bobotsari", Role.CONTRIBUTOR, "Kecamatan Bobotsari"),
    ("desa.kedungbenda", "Operator Pemerintah Desa Kedungbenda", Role.CONTRIBUTOR, "Pemerintah Desa Kedungbenda"),
]


async def _create_accounts(conn: Any, writer: _Writer, inst_ids: dict[str, int], now: dt.datetime) -> list[DemoLogin]:
    from service import accounts
    from service.models import User

    existing = set(await User.all().using_db(conn).values_list("username", flat=True))
    wanted = [a for a in DEMO_ACCOUNTS if a[0] not in existing]
    if not wanted:
        return []
    password_hash = accounts.hash_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    next_id = _Ids(await _max_id(conn, User._meta.db_table) + 1)
    rows, logins = [], []
    for username, full_name, role, inst_name in wanted:
        inst_id = inst_ids.get(inst_name) if inst_name else None
        if inst_name and inst_id is None:
            continue
        rows.append((next_id(), username, password_hash, full_name, role.value, inst_id, True, now))
        logins.append(DemoLogin(username, role, inst_name, DEMO_PASSWORD))
    await writer.insert(
        User, ("id", "username", "password_hash", "full_name", "role", "institution_id", "is_active", "created_at"),
        rows,
    )
    await writer.reset_sequence(User)
    return logins


async def seed_demo(
    n_achievements: int,
    *,
    if_empty: bool = False,
    console: Any = None,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    press_drafts: int = PRESS_DRAFTS,
) -> DemoResult | None:
    """Add the demo data set (needs an initialised, migrated database); None when `if_empty` and data exist.

    The same seed gives the same data set; `today` fixes the end of the five-year date window.
    """
    from service import audit, db
    from service.models import (
        Achievement,
        AchievementPerson,
        Category,
        Desa,
        Evidence,
        Institution,
        Kecamatan,
        Person,
    )

    if if_empty and await _has_data():
        return None
    started = time.perf_counter()
    rng = random.Random(seed)
    now = _now()
    today = min(today or now.date(), now.date())
    dialect = db.dialect()
    result = DemoResult()

    kecamatan = await Kecamatan.all().order_by("code")
    desa = await Desa.all().order_by("code")
    kec_index = {k.id: int(k.code.rsplit(".", 1)[1]) for k in kecamatan}
    cat_rows = await Category.all().values("id", "slug", "parent_id")
    by_id = {c["id"]: c for c in cat_rows}
    cats: dict[str, Any] = {}
    for c in cat_rows:
        root = c
        while root["parent_id"] is not None:
            root = by_id[root["parent_id"]]
        cats[c["slug"]] = {"id": c["id"], "root_id": root["id"], "root_slug": root["slug"]}
    missing = {s for v in KIND_CATEGORIES.values() for s, _ in v} - set(cats)
    if missing:
        raise RuntimeError(f"reference categories missing: {sorted(missing)}; run `juara migrate` first")

    with _progress(console) as progress:
        async with in_transaction() as conn:
            writer = _Writer(conn, dialect)
            inst_ids = _Ids(await _max_id(conn, "institution") + 1)
            plan = _plan_institutions(rng, kecamatan, desa, inst_ids)
            _plan_persons(rng, plan, _Ids(await _max_id(conn, "person") + 1), kec_index, today, now)
            base_task = progress.add_task("instansi dan orang", total=len(plan.institutions) + len(plan.persons))
            await writer.insert(Institution, INSTITUTION_COLUMNS, [
                (i.id, i.name, i.kind.value, i.kecamatan_id, i.desa_id, i.parent.id if i.parent else None, i.path, now)
                for i in plan.institutions
            ])
            progress.advance(base_task, len(plan.institutions))
            for start in range(0, len(plan.persons), BATCH_SIZE):
                chunk = plan.persons[start:start + BATCH_SIZE]
                await writer.insert(Person, PERSON_COLUMNS, chunk)
                progress.advance(base_task, len(chunk))
            result.institutions, result.persons = len(plan.institutions), len(plan.persons)
            name_to_id = {}
            for inst in plan.institutions:
                name_to_id.setdefault(inst.name, inst.id)
            result.logins = await _create_accounts(conn, writer, name_to_id, now)
            creator = None
            if result.logins:
                creator = await _user_id(conn, "admin")

            task = progress.add_task("prestasi", total=n_achievements)
            achievement_ids = _Ids(await _max_id(conn, "achievement") + 1)
            rows: list[tuple] = []
            links: list[tuple] = []
            evidence: list[tuple] = []
            for row, row_links, row_evidence in _achievements(
                rng, n_achievements, plan, cats, achievement_ids, today, now, creator
            ):
                rows.append(row)
                links.extend(row_links)
                evidence.extend(row_evidence)
                if len(rows) >= BATCH_SIZE:
                    await _flush(writer, rows, links, evidence, result)
                    progress.advance(task, len(rows))
                    rows, links, evidence = [], [], []
            await _flush(writer, rows, links, evidence, result)
            progress.advance(task, len(rows))
            for model in (Institution, Person, Achievement, AchievementPerson, Evidence):
                await writer.reset_sequence(model)
            await audit.record(None, "seed_demo", "Achievement", None, after={
                "institutions": result.institutions, "persons": result.persons,
                "achievements": result.achievements, "seed": seed,
            }, connection=conn)

        if press_drafts:
            result.press_releases = await _press_drafts(press_drafts)
        await _rebuild_aggregates(progress)
    result.seconds = time.perf_counter() - started
    log.info("demo data seeded", extra={"achievements": result.achievements, "seconds": round(result.seconds, 2)})
    return result


async def _flush(writer: _Writer, rows: list[tuple], links: list[tuple], evidence: list[tuple],
                 result: DemoResult) -> None:
    from service.models import Achievement, AchievementPerson, Evidence

    await writer.insert(Achievement, ACHIEVEMENT_COLUMNS, rows)
    await writer.insert(AchievementPerson, LINK_COLUMNS, links)
    await writer.insert(Evidence, EVIDENCE_COLUMNS, evidence)
    result.achievements += len(rows)
    result.evidence += len(evidence)


async def _user_id(conn: Any, username: str) -> int | None:
    from service.models import User

    user = await User.filter(username=username).using_db(conn).first()
    return user.id if user else None


async def _press_drafts(limit: int) -> int:
    """DRAFT press releases for the most recent verified achievements that have none yet."""
    from service import press
    from service.models import Achievement, PressRelease

    async with in_transaction() as conn:
        have = PressRelease.filter(achievement_id__isnull=False).using_db(conn).values_list("achievement_id", flat=True)
        recent = await (
            Achievement.filter(status=AchievementStatus.VERIFIED)
            .exclude(id__in=await have)
            .order_by("-verified_at", "-id")
            .limit(limit)
            .using_db(conn)
        )
        bulk = getattr(press, "draft_many_on_verification", None)
        if bulk is not None:
            return len(await bulk(recent, None, conn))
        for achievement in recent:
            await press.draft_on_verification(achievement, None, conn)
        return len(recent)


async def _rebuild_aggregates(progress: Any) -> None:
    try:
        from service import stats
    except ImportError:
        return
    rebuild = getattr(stats, "rebuild_aggregates", None)
    if rebuild is None:
        return
    task = progress.add_task("agregat statistik", total=1)
    await rebuild()
    progress.advance(task, 1)


def print_logins(result: DemoResult, console: Any) -> None:
    from rich.table import Table

    console.print(
        f"demo data: {result.institutions} institutions, {result.persons} persons, "
        f"{result.achievements} achievements, {result.press_releases} press-release drafts "
        f"in {result.seconds:.1f} s"
    )
    if not result.logins:
        console.print("demo accounts already exist; their passwords are unchanged")
        return
    table = Table(title="Demo logins (fictitious data; change or remove before real use)")
    # Usernames and passwords are copied from here, so they never wrap.
    table.add_column("username", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("institution")
    table.add_column("password", no_wrap=True)
    for login in result.logins:
        table.add_row(login.username, login.role.value, login.institution or "—", login.password)
    console.print(table)
