"""The demo data set's tables: names, which categories fit which institutions, and a catalogue of events
that run in and around Purbalingga, each with the levels it runs at, its real kind of organiser and its
usual places. The generator (service/demo.py) only draws from these, so what it writes reads true."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.enums import AchievementLevel, AchievementRank, InstitutionKind

L = AchievementLevel
R = AchievementRank
K = InstitutionKind

DESA, KEC, KAB, KRS, PROV, NAS, INTL = (L.DESA, L.KECAMATAN, L.KABUPATEN, L.KARESIDENAN, L.PROVINSI, L.NASIONAL,
                                        L.INTERNASIONAL)


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




# --- the event catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event as it really runs: the stages it has, who organises each, where it is held.

    `organizers` and `places` map a level to its options; "{kec}" and "{desa}" name the achiever's own.
    `branches` are what a title names beyond the event ("Lomba Paduan Suara" in FLS2N). An event with
    `predicates` is an award: the achiever gets one of them as its predicate, per level where the dict says.
    `detail` is a sentence an operator would add in the description.
    """

    name: str
    levels: tuple[AchievementLevel, ...]
    organizers: dict[AchievementLevel, tuple[str, ...]]
    places: dict[AchievementLevel, tuple[str, ...]] = field(default_factory=dict)
    branches: tuple[str, ...] = ()
    predicates: dict[AchievementLevel, tuple[str, ...]] = field(default_factory=dict)
    detail: str = ""


def _org(**by_level: tuple[str, ...]) -> dict[AchievementLevel, tuple[str, ...]]:
    short = {"desa": DESA, "kec": KEC, "kab": KAB, "krs": KRS, "prov": PROV, "nas": NAS, "intl": INTL}
    return {short[k]: v for k, v in by_level.items()}


DINDIK_KAB = ("Dinas Pendidikan dan Kebudayaan Kabupaten Purbalingga",)
DINDIK_PROV = ("Dinas Pendidikan dan Kebudayaan Provinsi Jawa Tengah",)
PUSPRESNAS = ("Pusat Prestasi Nasional Kemendikdasmen", "Balai Pengembangan Talenta Indonesia")
KORWIL = ("Koordinator Wilayah Bidang Pendidikan Kecamatan {kec}",)
DINPORA_KAB = ("Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga", "KONI Kabupaten Purbalingga")
DISPORA_PROV = ("Dinas Kepemudaan, Olahraga dan Pariwisata Provinsi Jawa Tengah",)
KEMENAG_KAB = ("Kantor Kementerian Agama Kabupaten Purbalingga",)

# The usual places of each level, when an event names none of its own.
PLACES: dict[AchievementLevel, tuple[str, ...]] = {
    DESA: ("Balai Desa {desa}", "Lapangan Desa {desa}"),
    KEC: ("Pendapa Kecamatan {kec}", "Lapangan Kecamatan {kec}"),
    KAB: ("Pendapa Dipokusumo, Purbalingga", "GOR Goentoer Darjono, Purbalingga", "Gedung Korpri Purbalingga"),
    KRS: ("Purwokerto", "Banjarnegara", "Cilacap"),
    PROV: ("Semarang", "Surakarta", "Magelang"),
    NAS: ("Jakarta", "Yogyakarta", "Bandung", "Surabaya"),
    INTL: ("Kuala Lumpur, Malaysia", "Bangkok, Thailand", "Singapura"),
}

O2SN_ORG = _org(kec=KORWIL, kab=DINDIK_KAB, prov=DINDIK_PROV, nas=PUSPRESNAS)
OSN_ORG = _org(kab=DINDIK_KAB, prov=DINDIK_PROV, nas=PUSPRESNAS)
FLS2N_ORG = _org(kec=KORWIL, kab=DINDIK_KAB, prov=DINDIK_PROV, nas=PUSPRESNAS)
POPDA_ORG = _org(kab=DINPORA_KAB, krs=("Bakorwil III Jawa Tengah",), prov=DISPORA_PROV)
HUT_RI = _org(desa=("Panitia Peringatan HUT RI Desa {desa}",), kec=("Panitia Peringatan HUT RI Kecamatan {kec}",))
MTQ_ORG = _org(kec=("LPTQ Kecamatan {kec}",), kab=("LPTQ Kabupaten Purbalingga",), prov=("LPTQ Provinsi Jawa Tengah",),
               nas=("LPTQ Nasional",))
PRAMUKA_ORG = _org(kec=("Kwartir Ranting Gerakan Pramuka {kec}",), kab=("Kwartir Cabang Gerakan Pramuka Purbalingga",),
                   prov=("Kwartir Daerah Gerakan Pramuka Jawa Tengah",), nas=("Kwartir Nasional Gerakan Pramuka",))
LOMBA_DESA_ORG = _org(kec=("Kecamatan {kec}",), kab=("Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga",),
                      krs=("Bakorwil III Jawa Tengah",), prov=("Dinas Pemberdayaan Masyarakat dan Desa Provinsi Jawa Tengah",),
                      nas=("Kementerian Dalam Negeri",))
PKK_ORG = _org(kec=("TP PKK Kecamatan {kec}",), kab=("TP PKK Kabupaten Purbalingga",), prov=("TP PKK Provinsi Jawa Tengah",),
               nas=("TP PKK Pusat",))
DINKES_ORG = _org(kec=("Puskesmas {kec}",), kab=("Dinas Kesehatan Kabupaten Purbalingga",),
                  prov=("Dinas Kesehatan Provinsi Jawa Tengah",), nas=("Kementerian Kesehatan",))
DLH_ORG = _org(kab=("Dinas Lingkungan Hidup Kabupaten Purbalingga",), prov=("Dinas Lingkungan Hidup dan Kehutanan Provinsi Jawa Tengah",),
               nas=("Kementerian Lingkungan Hidup",))
PEMKAB = ("Pemerintah Kabupaten Purbalingga",)

EVENTS: dict[str, tuple[Event, ...]] = {
    "olimpiade-sains": (
        Event("Olimpiade Sains Nasional (OSN)", (KAB, PROV, NAS), OSN_ORG,
              branches=("Bidang Matematika", "Bidang IPA", "Bidang IPS", "Bidang Informatika"),
              detail="Peserta mengerjakan soal uraian selama empat jam."),
        Event("Kompetisi Sains Madrasah (KSM)", (KAB, PROV, NAS), _org(kab=KEMENAG_KAB, prov=("Kanwil Kementerian Agama Provinsi Jawa Tengah",),
              nas=("Kementerian Agama",)), branches=("Bidang Matematika Terintegrasi", "Bidang IPA Terintegrasi")),
        Event("International Science and Mathematics Olympiad", (INTL,), _org(intl=("ISMO Committee",)),
              places={INTL: ("Kuala Lumpur, Malaysia", "daring")}, branches=("Bidang Matematika", "Bidang Sains")),
    ),
    "lomba-karya-tulis": (
        Event("Lomba Karya Tulis Ilmiah Remaja", (KAB, PROV, NAS), _org(kab=DINDIK_KAB, prov=("Badan Riset dan Inovasi Daerah Provinsi Jawa Tengah",),
              nas=("Badan Riset dan Inovasi Nasional",)), detail="Karya berupa laporan penelitian tentang pengolahan limbah."),
        Event("Olimpiade Penelitian Siswa Indonesia (OPSI)", (PROV, NAS), _org(prov=DINDIK_PROV, nas=PUSPRESNAS),
              branches=("Bidang Matematika, Sains, dan Teknologi", "Bidang Fisika Terapan dan Rekayasa")),
    ),
    "debat-pidato": (
        Event("Lomba Debat Bahasa Indonesia (LDBI)", (KAB, PROV, NAS), OSN_ORG),
        Event("Lomba Pidato Bahasa Jawa", (KEC, KAB), _org(kec=KORWIL, kab=DINDIK_KAB)),
        Event("National Schools Debating Championship (NSDC)", (KAB, PROV, NAS), OSN_ORG),
    ),
    "bahasa-literasi": (
        Event("Festival Tunas Bahasa Ibu", (KAB, PROV), _org(kab=DINDIK_KAB, prov=("Balai Bahasa Provinsi Jawa Tengah",)),
              branches=("Lomba Nembang Macapat", "Lomba Sesorah", "Lomba Maca Geguritan")),
        Event("Gerakan Literasi Sekolah Award", (KAB,), _org(kab=("Dinas Arsip dan Perpustakaan Kabupaten Purbalingga",))),
    ),
    "sekolah-berprestasi": (
        Event("Lomba Sekolah Sehat", (KAB, PROV, NAS), _org(kab=DINDIK_KAB, prov=DINDIK_PROV, nas=PUSPRESNAS),
              predicates={KAB: ("Sekolah Sehat Terbaik Kabupaten",), PROV: ("Sekolah Sehat Terbaik Provinsi",),
                          NAS: ("Sekolah Sehat Terbaik Nasional",)}),
    ),
    "guru-tenaga-kependidikan": (
        Event("Pemilihan Guru dan Tenaga Kependidikan Berprestasi", (KAB, PROV, NAS), OSN_ORG,
              branches=("Kategori Guru SD", "Kategori Guru SMP", "Kategori Kepala Sekolah")),
        Event("Lomba Inovasi Pembelajaran (Inobel)", (PROV, NAS), _org(prov=DINDIK_PROV, nas=("Kemendikdasmen",)),
              places={PROV: ("Semarang", "daring"), NAS: ("Jakarta", "daring")}),
    ),
    "atletik": (
        Event("Lomba Lari HUT RI", (DESA, KEC), HUT_RI, branches=("Lari 5 Kilometer Putra", "Lari 5 Kilometer Putri")),
        Event("Olimpiade Olahraga Siswa Nasional (O2SN)", (KEC, KAB, PROV, NAS), O2SN_ORG,
              branches=("Atletik Lari 60 Meter Putra", "Atletik Lari 60 Meter Putri", "Atletik Lompat Jauh Putri")),
        Event("Pekan Olahraga Pelajar Daerah (POPDA)", (KAB, KRS, PROV), POPDA_ORG,
              branches=("Atletik Lari 100 Meter Putra", "Atletik Lempar Lembing Putri", "Atletik Lari 400 Meter Putra")),
        Event("ASEAN Schools Games", (INTL,), _org(intl=("ASEAN Schools Sports Council",)),
              places={INTL: ("Da Nang, Vietnam", "Bangkok, Thailand")}, branches=("Atletik Lari 100 Meter Putra",)),
    ),
    "bela-diri": (
        Event("Pekan Olahraga Pelajar Daerah (POPDA)", (KAB, KRS, PROV), POPDA_ORG,
              branches=("Pencak Silat Kelas D Putri", "Pencak Silat Kelas B Putra", "Karate Kumite -55 kg Putra")),
        Event("Kejuaraan Daerah Tapak Suci", (PROV,), _org(prov=("Pimpinan Wilayah Tapak Suci Putera Muhammadiyah Jawa Tengah",)),
              branches=("Kategori Tanding Putri", "Kategori Seni Tunggal Putra")),
        Event("Kejuaraan Pencak Silat Bupati Cup", (KAB,), _org(kab=("IPSI Kabupaten Purbalingga",)),
              branches=("Kategori Tanding Remaja Putra", "Kategori Tanding Usia Dini Putri")),
        Event("Asian Youth Pencak Silat Championship", (INTL,), _org(intl=("Persekutuan Pencak Silat Antarabangsa",)),
              branches=("Kategori Tanding Kelas C Putra",)),
    ),
    "sepak-bola-futsal": (
        Event("Turnamen Futsal Pelajar Bupati Cup", (KAB,), _org(kab=("Askab PSSI Purbalingga", "Asosiasi Futsal Kabupaten Purbalingga")),
              branches=("Kategori Pelajar Putra", "Kategori Pelajar Putri")),
        Event("Liga Sepak Bola Pelajar", (KAB, PROV), _org(kab=("Askab PSSI Purbalingga",), prov=("Asprov PSSI Jawa Tengah",)),
              branches=("Kelompok Umur 15 Tahun",)),
        Event("Turnamen Sepak Bola HUT RI", (DESA, KEC), HUT_RI),
    ),
    "bulu-tangkis": (
        Event("Kejuaraan Bulu Tangkis Pelajar", (KAB, PROV), _org(kab=("PBSI Kabupaten Purbalingga",), prov=("PBSI Provinsi Jawa Tengah",)),
              branches=("Tunggal Putra", "Tunggal Putri", "Ganda Campuran")),
        Event("Olimpiade Olahraga Siswa Nasional (O2SN)", (KEC, KAB, PROV, NAS), O2SN_ORG,
              branches=("Bulu Tangkis Tunggal Putra", "Bulu Tangkis Tunggal Putri")),
    ),
    "renang": (
        Event("Olimpiade Olahraga Siswa Nasional (O2SN)", (KAB, PROV, NAS), O2SN_ORG,
              branches=("Renang 50 Meter Gaya Bebas Putri", "Renang 50 Meter Gaya Dada Putra")),
        Event("Kejuaraan Renang Antarklub", (KAB, PROV), _org(kab=("PRSI Kabupaten Purbalingga",), prov=("PRSI Provinsi Jawa Tengah",)),
              places={KAB: ("Kolam Renang Tirto Asri, Purbalingga",)}, branches=("Nomor 100 Meter Gaya Punggung Putri",)),
    ),
    "bola-voli": (
        Event("Kejuaraan Bola Voli Pelajar", (KAB, KRS, PROV), _org(kab=("PBVSI Kabupaten Purbalingga",), krs=("PBVSI Karesidenan Banyumas",),
              prov=("PBVSI Provinsi Jawa Tengah",)), branches=("Kategori Putra", "Kategori Putri")),
        Event("Turnamen Bola Voli HUT RI", (DESA, KEC), HUT_RI),
    ),
    "olahraga-lainnya": (
        Event("Kejuaraan Panahan Terbuka", (KAB, PROV), _org(kab=("Perpani Kabupaten Purbalingga",), prov=("Perpani Provinsi Jawa Tengah",)),
              branches=("Ronde Nasional 30 Meter Putri",)),
        Event("Kejuaraan Catur Cepat", (KEC, KAB), _org(kec=("Percasi Kecamatan {kec}",), kab=("Percasi Kabupaten Purbalingga",))),
    ),
    "paduan-suara": (
        Event("Festival dan Lomba Seni Siswa Nasional (FLS2N)", (KAB, PROV, NAS), FLS2N_ORG, branches=("Lomba Paduan Suara",),
              detail="Tim membawakan lagu wajib Indonesia Pusaka dan satu lagu daerah."),
        Event("Lomba Paduan Suara Lagu Daerah", (KAB,), _org(kab=PEMKAB)),
    ),
    "tari": (
        Event("Festival dan Lomba Seni Siswa Nasional (FLS2N)", (KEC, KAB, PROV, NAS), FLS2N_ORG, branches=("Lomba Tari Kreasi",)),
        Event("Festival Tari Lengger", (KAB, KRS), _org(kab=("Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga",),
              krs=("Pemerintah Kabupaten Banyumas",))),
    ),
    "musik": (
        Event("Festival Musik Kentongan", (KAB, KRS), _org(kab=PEMKAB, krs=("Pemerintah Kabupaten Banyumas",)),
              places={KRS: ("Alun-alun Purwokerto",)}),
        Event("Festival dan Lomba Seni Siswa Nasional (FLS2N)", (KAB, PROV, NAS), FLS2N_ORG, branches=("Lomba Solo Gitar",)),
    ),
    "seni-rupa": (
        Event("Lomba Mewarnai HUT RI", (DESA, KEC), HUT_RI),
        Event("Festival dan Lomba Seni Siswa Nasional (FLS2N)", (KEC, KAB, PROV, NAS), FLS2N_ORG, branches=("Lomba Kriya", "Lomba Gambar Bercerita")),
        Event("Lomba Desain Motif Batik Purbalingga", (KAB,), _org(kab=("Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Purbalingga",))),
    ),
    "teater-sastra": (
        Event("Festival dan Lomba Seni Siswa Nasional (FLS2N)", (KAB, PROV, NAS), FLS2N_ORG, branches=("Lomba Baca Puisi", "Lomba Monolog")),
        Event("Festival Teater Pelajar", (KRS, PROV), _org(krs=("Universitas Jenderal Soedirman",), prov=("Taman Budaya Jawa Tengah",))),
    ),
    "budaya-tradisi": (
        Event("Festival Ebeg Banyumasan", (KAB, KRS), _org(kab=PEMKAB, krs=("Pemerintah Kabupaten Banyumas",))),
        Event("Festival Budaya Purbalingga", (KAB,), _org(kab=("Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga",))),
    ),
    "tertib-administrasi-desa": (
        Event("Lomba Desa Tertib Administrasi", (KEC, KAB, KRS), LOMBA_DESA_ORG,
              detail="Penilaian meliputi buku administrasi umum, penduduk, keuangan, dan pembangunan desa."),
    ),
    "lomba-desa-kelurahan": (
        Event("Lomba Desa dan Kelurahan", (KEC, KAB, KRS, PROV, NAS), LOMBA_DESA_ORG,
              detail="Tim penilai meninjau pemerintahan, kemasyarakatan, dan pembangunan desa."),
    ),
    "pelayanan-publik": (
        Event("Penilaian Kepatuhan Standar Pelayanan Publik", (PROV, NAS), _org(prov=("Ombudsman RI Perwakilan Jawa Tengah",),
              nas=("Ombudsman Republik Indonesia",)), predicates={PROV: ("Zona Hijau",), NAS: ("Zona Hijau", "Kepatuhan Tinggi")}),
        Event("Kompetisi Inovasi Pelayanan Publik (KIPP)", (PROV, NAS), _org(prov=("Pemerintah Provinsi Jawa Tengah",), nas=("Kementerian PANRB",)),
              predicates={PROV: ("Top 30 Inovasi Pelayanan Publik",), NAS: ("Top 45 Inovasi Pelayanan Publik",)}),
    ),
    "keuangan-daerah": (
        Event("Pemeriksaan Laporan Keuangan Pemerintah Daerah", (NAS,), _org(nas=("Badan Pemeriksa Keuangan RI Perwakilan Jawa Tengah",)),
              places={NAS: ("Semarang",)}, predicates={NAS: ("Opini Wajar Tanpa Pengecualian",)}),
    ),
    "keterbukaan-informasi": (
        Event("Anugerah Keterbukaan Informasi Publik", (KAB, PROV, NAS), _org(kab=("Dinas Komunikasi dan Informatika Kabupaten Purbalingga",),
              prov=("Komisi Informasi Provinsi Jawa Tengah",), nas=("Komisi Informasi Pusat",)),
              predicates={KAB: ("Desa Informatif", "Badan Publik Informatif"), PROV: ("Badan Publik Informatif", "Menuju Informatif"),
                          NAS: ("Badan Publik Informatif",)}),
    ),
    "kabupaten-layak-anak": (
        Event("Evaluasi Kabupaten/Kota Layak Anak", (NAS,), _org(nas=("Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",)),
              predicates={NAS: ("Madya Kabupaten Layak Anak", "Nindya Kabupaten Layak Anak")}),
        Event("Penilaian Desa Ramah Perempuan dan Peduli Anak", (KAB, PROV), _org(kab=PEMKAB, prov=("Pemerintah Provinsi Jawa Tengah",)),
              predicates={KAB: ("Desa Ramah Anak",), PROV: ("Desa Ramah Perempuan dan Peduli Anak",)}),
    ),
    "puskesmas-berprestasi": (
        Event("Penilaian Puskesmas Berprestasi", (KAB, PROV), DINKES_ORG, predicates={KAB: ("Puskesmas Berprestasi",), PROV: ("Puskesmas Berprestasi",)}),
        Event("Akreditasi Puskesmas", (NAS,), _org(nas=("Kementerian Kesehatan",)), places={NAS: ("Purbalingga",)},
              predicates={NAS: ("Akreditasi Paripurna",)}),
    ),
    "posyandu": (
        Event("Lomba Posyandu", (KEC, KAB, PROV), _org(kec=("TP PKK Kecamatan {kec}",), kab=("TP PKK Kabupaten Purbalingga",),
              prov=("TP PKK Provinsi Jawa Tengah",)), detail="Penilaian meliputi cakupan penimbangan balita dan kelengkapan buku kader."),
    ),
    "tenaga-kesehatan": (
        Event("Pemilihan Tenaga Kesehatan Teladan", (KAB, PROV, NAS), DINKES_ORG, branches=("Kategori Bidan", "Kategori Perawat", "Kategori Dokter")),
    ),
    "sanitasi-stbm": (
        Event("STBM Award", (PROV, NAS), _org(prov=("Dinas Kesehatan Provinsi Jawa Tengah",), nas=("Kementerian Kesehatan",)),
              predicates={PROV: ("STBM Pratama",), NAS: ("STBM Madya",)}),
        Event("Verifikasi Desa Stop Buang Air Besar Sembarangan", (KAB,), DINKES_ORG, predicates={KAB: ("Desa ODF",)}),
    ),
    "adiwiyata": (
        Event("Penghargaan Adiwiyata", (KAB, PROV, NAS), DLH_ORG,
              predicates={KAB: ("Sekolah Adiwiyata Kabupaten",), PROV: ("Sekolah Adiwiyata Provinsi",),
                          NAS: ("Sekolah Adiwiyata Nasional", "Sekolah Adiwiyata Mandiri")}),
    ),
    "kampung-iklim": (
        Event("Program Kampung Iklim (Proklim)", (NAS,), _org(nas=("Kementerian Lingkungan Hidup",)), predicates={NAS: ("Proklim Utama", "Proklim Madya")}),
        Event("Lomba Desa Berseri", (KAB, PROV), DLH_ORG),
    ),
    "kebersihan-bank-sampah": (
        Event("Lomba Bank Sampah", (KAB, PROV), DLH_ORG),
        Event("Lomba Kebersihan Lingkungan HUT RI", (DESA, KEC), HUT_RI),
    ),
    "umkm-berprestasi": (
        Event("Anugerah UMKM Jawa Tengah", (PROV,), _org(prov=("Dinas Koperasi dan UKM Provinsi Jawa Tengah",)), branches=("Kategori Produk Pangan Olahan",)),
        Event("Lomba Produk Unggulan Daerah", (KAB,), _org(kab=("Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Purbalingga",))),
    ),
    "koperasi": (Event("Penilaian Koperasi Berprestasi", (KAB, PROV), _org(kab=("Dinas Koperasi dan Usaha Kecil Menengah Kabupaten Purbalingga",),
                       prov=("Dinas Koperasi dan UKM Provinsi Jawa Tengah",))),),
    "bumdes": (Event("Lomba BUMDes", (KAB, PROV), _org(kab=("Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Purbalingga",),
                     prov=("Dinas Pemberdayaan Masyarakat dan Desa Provinsi Jawa Tengah",)), branches=("Kategori BUMDes Berkembang",)),),
    "investasi-perdagangan": (
        Event("Penilaian Pasar Tertib Ukur", (NAS,), _org(nas=("Kementerian Perdagangan",)), predicates={NAS: ("Pasar Tertib Ukur",)}),
        Event("Anugerah Layanan Investasi", (PROV,), _org(prov=("DPMPTSP Provinsi Jawa Tengah",)), predicates={PROV: ("Sangat Responsif",)}),
    ),
    "kelompok-tani": (Event("Lomba Kelompok Tani Berprestasi", (KAB, PROV, NAS), _org(kab=("Dinas Pertanian Kabupaten Purbalingga",),
                            prov=("Dinas Pertanian dan Perkebunan Provinsi Jawa Tengah",), nas=("Kementerian Pertanian",))),),
    "ketahanan-pangan": (Event("Lomba Pekarangan Pangan Lestari", (KAB, PROV), _org(kab=("Dinas Ketahanan Pangan Kabupaten Purbalingga",),
                               prov=("Dinas Ketahanan Pangan Provinsi Jawa Tengah",))),),
    "perikanan-peternakan": (Event("Lomba Kelompok Pembudidaya Ikan", (KAB, PROV), _org(kab=("Dinas Pertanian Kabupaten Purbalingga",),
                                   prov=("Dinas Kelautan dan Perikanan Provinsi Jawa Tengah",))),),
    "mtq": (
        Event("Musabaqah Tilawatil Quran (MTQ)", (KEC, KAB, PROV, NAS), MTQ_ORG,
              branches=("Cabang Tilawah Remaja Putra", "Cabang Tilawah Anak Putri", "Cabang Tahfidz 5 Juz Putri")),
    ),
    "seni-religi": (Event("Festival Hadroh", (KEC, KAB), _org(kec=("IPNU-IPPNU Kecamatan {kec}",), kab=KEMENAG_KAB)),),
    "kerukunan-umat": (Event("Harmony Award", (NAS,), _org(nas=("Kementerian Agama",)), predicates={NAS: ("Harmony Award",)}),),
    "inovasi-daerah": (
        Event("Innovative Government Award (IGA)", (NAS,), _org(nas=("Kementerian Dalam Negeri",)), predicates={NAS: ("Kabupaten Sangat Inovatif",)}),
        Event("Lomba Inovasi Daerah", (KAB, PROV), _org(kab=("Bappelitbangda Kabupaten Purbalingga",), prov=("Badan Riset dan Inovasi Daerah Provinsi Jawa Tengah",))),
    ),
    "robotik-pemrograman": (
        Event("Kompetisi Robotik Pelajar", (KRS, PROV, NAS), _org(krs=("Universitas Jenderal Soedirman",), prov=("Universitas Diponegoro",),
              nas=("Pusat Prestasi Nasional Kemendikdasmen",)), branches=("Kategori Line Follower", "Kategori Robot Sumo")),
        Event("Olimpiade Sains Nasional (OSN)", (KAB, PROV, NAS), OSN_ORG, branches=("Bidang Informatika",)),
    ),
    "smart-city-egov": (Event("Evaluasi Sistem Pemerintahan Berbasis Elektronik (SPBE)", (NAS,), _org(nas=("Kementerian PANRB",)),
                              predicates={NAS: ("Indeks SPBE Baik", "Indeks SPBE Sangat Baik")}),),
    "desa-wisata": (Event("Anugerah Desa Wisata", (PROV, NAS), _org(prov=("Dinas Kepemudaan, Olahraga dan Pariwisata Provinsi Jawa Tengah",),
                          nas=("Kementerian Pariwisata",)), branches=("Kategori Desa Wisata Rintisan", "Kategori Daya Tarik Wisata")),),
    "duta-wisata": (Event("Pemilihan Kakang Mbekayu Purbalingga", (KAB,), _org(kab=("Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga",))),),
    "ekonomi-kreatif": (Event("Festival Ekonomi Kreatif", (KAB, PROV), _org(kab=PEMKAB, prov=("Dinas Kepemudaan, Olahraga dan Pariwisata Provinsi Jawa Tengah",)),
                              branches=("Kategori Kriya",)),),
    "pramuka": (
        Event("Lomba Tingkat (LT)", (KEC, KAB, PROV, NAS), PRAMUKA_ORG, branches=("Regu Penggalang Putra", "Regu Penggalang Putri"),
              detail="Regu bermalam di bumi perkemahan selama tiga hari."),
        Event("Jambore Ranting", (KEC,), PRAMUKA_ORG),
    ),
    "paskibra": (Event("Lomba Gerak Jalan HUT RI", (KEC, KAB), _org(kec=("Kecamatan {kec}",), kab=PEMKAB), branches=("Kategori Pelajar SMP",)),),
    "pemuda-pelopor": (Event("Pemilihan Pemuda Pelopor", (KAB, PROV, NAS), _org(kab=("Dinas Pemuda, Olahraga dan Pariwisata Kabupaten Purbalingga",),
                             prov=DISPORA_PROV, nas=("Kementerian Pemuda dan Olahraga",)), branches=("Bidang Sosial Budaya", "Bidang Teknologi Tepat Guna")),),
    "pkk": (Event("Lomba Pelaksana Terbaik 10 Program Pokok PKK", (KEC, KAB, PROV, NAS), PKK_ORG),),
    "kebencanaan": (Event("Lomba Desa Tangguh Bencana", (KAB, PROV), _org(kab=("BPBD Kabupaten Purbalingga",), prov=("BPBD Provinsi Jawa Tengah",))),),
    "kesejahteraan-sosial": (Event("Penilaian Karang Taruna Berprestasi", (KAB, PROV), _org(kab=("Dinas Sosial Kabupaten Purbalingga",),
                                   prov=("Dinas Sosial Provinsi Jawa Tengah",))),),
}

COACH_SENTENCES = ("Dilatih oleh {name}.", "Pembimbing: {name}", "Didampingi guru pembimbing {name}.")
