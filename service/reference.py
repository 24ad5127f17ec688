"""The default category tree of achievement fields (two levels), loaded by `juara migrate`."""

DEFAULT_CATEGORIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("pendidikan-akademik", "Pendidikan & Akademik", [
        ("olimpiade-sains", "Olimpiade Sains"),
        ("lomba-karya-tulis", "Lomba Karya Tulis Ilmiah"),
        ("debat-pidato", "Debat dan Pidato"),
        ("bahasa-literasi", "Bahasa dan Literasi"),
        ("sekolah-berprestasi", "Sekolah Berprestasi"),
        ("guru-tenaga-kependidikan", "Guru dan Tenaga Kependidikan"),
    ]),
    ("olahraga", "Olahraga", [
        ("atletik", "Atletik"),
        ("bela-diri", "Bela Diri"),
        ("sepak-bola-futsal", "Sepak Bola dan Futsal"),
        ("bulu-tangkis", "Bulu Tangkis"),
        ("renang", "Renang"),
        ("bola-voli", "Bola Voli"),
        ("olahraga-lainnya", "Cabang Olahraga Lainnya"),
    ]),
    ("seni-budaya", "Seni & Budaya", [
        ("paduan-suara", "Paduan Suara"),
        ("tari", "Tari"),
        ("musik", "Musik"),
        ("seni-rupa", "Seni Rupa"),
        ("teater-sastra", "Teater dan Sastra"),
        ("budaya-tradisi", "Budaya dan Tradisi"),
    ]),
    ("pemerintahan-tata-kelola", "Pemerintahan & Tata Kelola", [
        ("tertib-administrasi-desa", "Tertib Administrasi Desa"),
        ("lomba-desa-kelurahan", "Lomba Desa dan Kelurahan"),
        ("pelayanan-publik", "Pelayanan Publik"),
        ("keuangan-daerah", "Pengelolaan Keuangan"),
        ("keterbukaan-informasi", "Keterbukaan Informasi Publik"),
        ("kabupaten-layak-anak", "Kabupaten/Kota Layak Anak"),
    ]),
    ("kesehatan", "Kesehatan", [
        ("puskesmas-berprestasi", "Puskesmas Berprestasi"),
        ("posyandu", "Posyandu"),
        ("tenaga-kesehatan", "Tenaga Kesehatan Teladan"),
        ("sanitasi-stbm", "Sanitasi dan STBM"),
    ]),
    ("lingkungan-hidup", "Lingkungan Hidup", [
        ("adiwiyata", "Adiwiyata"),
        ("kampung-iklim", "Program Kampung Iklim"),
        ("kebersihan-bank-sampah", "Kebersihan dan Bank Sampah"),
    ]),
    ("ekonomi-umkm", "Ekonomi & UMKM", [
        ("umkm-berprestasi", "UMKM Berprestasi"),
        ("koperasi", "Koperasi"),
        ("bumdes", "BUMDes"),
        ("investasi-perdagangan", "Investasi dan Perdagangan"),
    ]),
    ("pertanian-pangan", "Pertanian & Pangan", [
        ("kelompok-tani", "Kelompok Tani"),
        ("ketahanan-pangan", "Ketahanan Pangan"),
        ("perikanan-peternakan", "Perikanan dan Peternakan"),
    ]),
    ("keagamaan", "Keagamaan", [
        ("mtq", "Musabaqah Tilawatil Quran"),
        ("seni-religi", "Seni Religi"),
        ("kerukunan-umat", "Kerukunan Umat Beragama"),
    ]),
    ("teknologi-inovasi", "Teknologi & Inovasi", [
        ("inovasi-daerah", "Inovasi Daerah"),
        ("robotik-pemrograman", "Robotik dan Pemrograman"),
        ("smart-city-egov", "Kota Cerdas dan SPBE"),
    ]),
    ("pariwisata", "Pariwisata", [
        ("desa-wisata", "Desa Wisata"),
        ("duta-wisata", "Duta Wisata"),
        ("ekonomi-kreatif", "Ekonomi Kreatif"),
    ]),
    ("kepemudaan", "Kepemudaan", [
        ("pramuka", "Pramuka"),
        ("paskibra", "Paskibraka"),
        ("pemuda-pelopor", "Pemuda Pelopor"),
    ]),
    ("sosial-kemasyarakatan", "Sosial Kemasyarakatan", [
        ("pkk", "PKK"),
        ("kebencanaan", "Kebencanaan dan Relawan"),
        ("kesejahteraan-sosial", "Kesejahteraan Sosial"),
    ]),
]
