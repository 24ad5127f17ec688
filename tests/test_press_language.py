"""The Indonesian phrasing helpers of press releases: levels, ranks, lists, dates, bylines."""

import datetime as dt

import pytest

from service.enums import AchievementLevel, AchievementRank
from service.press import language as lang


@pytest.mark.parametrize(("level", "expected"), [
    (AchievementLevel.KABUPATEN, "tingkat Kabupaten Purbalingga"),
    (AchievementLevel.KARESIDENAN, "tingkat Karesidenan Banyumas"),
    (AchievementLevel.PROVINSI, "tingkat Provinsi Jawa Tengah"),
    (AchievementLevel.NASIONAL, "tingkat Nasional"),
    (AchievementLevel.INTERNASIONAL, "tingkat Internasional"),
])
def test_level_phrases_name_the_region(level, expected):
    assert lang.level_phrase(level) == expected


def test_kecamatan_and_desa_levels_name_the_place_when_known():
    assert lang.level_phrase(AchievementLevel.KECAMATAN, "Bobotsari") == "tingkat Kecamatan Bobotsari"
    assert lang.level_phrase(AchievementLevel.KECAMATAN) == "tingkat kecamatan"
    assert lang.level_phrase(AchievementLevel.DESA, "Kemangkon", "Kedungbenda") == "tingkat Desa Kedungbenda"
    assert lang.level_headline(AchievementLevel.PROVINSI) == "Tingkat Provinsi"


def test_event_names_that_carry_their_level_are_detected():
    assert lang.mentions_level("Lomba Posyandu Tingkat Kecamatan")
    assert not lang.mentions_level("Festival Paduan Suara Pelajar")
    assert lang.mentions_level("Kejuaraan Nasional Bola Voli", AchievementLevel.NASIONAL)
    assert lang.mentions_level("Popda Jawa Tengah", AchievementLevel.PROVINSI)
    assert not lang.mentions_level("Kejuaraan Nasional Bola Voli", AchievementLevel.PROVINSI)


@pytest.mark.parametrize(("rank", "label", "expected"), [
    (AchievementRank.JUARA_1, None, "meraih Juara 1"),
    (AchievementRank.JUARA_HARAPAN_2, None, "meraih Juara Harapan 2"),
    (AchievementRank.MEDALI_EMAS, None, "meraih Medali Emas"),
    (AchievementRank.MEDALI_PERUNGGU, None, "meraih Medali Perunggu"),
    (AchievementRank.PENGHARGAAN, "Predikat Madya", "meraih Predikat Madya"),
    (AchievementRank.FINALIS, None, "berhasil menjadi finalis"),
])
def test_rank_phrases(rank, label, expected):
    assert lang.rank_phrase(rank, label) == expected


def test_rank_phrase_variants_change_the_verb_only():
    phrases = {lang.rank_phrase(AchievementRank.JUARA_1, None, i) for i in range(5)}
    assert len(phrases) == 5
    assert all(p.endswith("Juara 1") for p in phrases)
    assert lang.headline_rank(AchievementRank.MEDALI_EMAS, None, 1) == "Sabet Medali Emas"
    assert lang.headline_rank(AchievementRank.PENGHARGAAN, "Opini WTP", 1) == "Terima Opini WTP"


def test_award_is_called_by_its_label():
    assert lang.rank_name(AchievementRank.PENGHARGAAN, "Opini WTP") == "Opini WTP"
    assert lang.rank_name(AchievementRank.JUARA_HARAPAN_3) == "Juara Harapan 3"


def test_lists_of_names_take_the_serial_comma():
    assert lang.join_names([]) == ""
    assert lang.join_names(["A"]) == "A"
    assert lang.join_names(["A", "B"]) == "A dan B"
    assert lang.join_names(["A", "B", "C"]) == "A, B, dan C"
    assert lang.join_names(["A", "", "C"]) == "A dan C"


def test_dates_in_the_office_style():
    assert lang.day_date(dt.date(2026, 10, 12)) == "Senin (12/10/2026)"
    assert lang.day_date(dt.date(2022, 6, 6)) == "Senin (6/6/2022)"
    assert lang.long_date(dt.date(2026, 10, 12)) == "12 Oktober 2026"
    assert lang.month_year(dt.date(2026, 2, 3)) == "Februari 2026"


def test_period_phrases():
    assert lang.period_phrase(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == "Oktober 2026"
    assert lang.period_phrase(dt.date(2026, 10, 1), dt.date(2026, 10, 15)) == "1 hingga 15 Oktober 2026"
    assert lang.period_phrase(dt.date(2026, 9, 20), dt.date(2026, 10, 5)) == "20 September hingga 5 Oktober 2026"
    assert lang.period_phrase(dt.date(2025, 12, 20), dt.date(2026, 1, 5)) == "20 Desember 2025 hingga 5 Januari 2026"
    assert lang.period_phrase(dt.date(2026, 3, 4), dt.date(2026, 3, 4)) == "4 Maret 2026"


@pytest.mark.parametrize(("name", "expected"), [
    ("Lalang Pradistia Utama", "LPU"),
    ("Baryati", "BA"),
    ("Rina Kusuma, S.Kom.", "RK"),
    ("Dra. Hj. Siti Aminah", "SA"),
    (None, "XX"),
    ("", "XX"),
])
def test_byline_initials(name, expected):
    assert lang.byline_initials(name) == expected


def test_short_institution_names():
    assert lang.short_institution_name("Pemerintah Desa Kedungbenda") == "Pemdes Kedungbenda"
    assert lang.short_institution_name("SMP Negeri 1 Bobotsari") == "SMPN 1 Bobotsari"
    assert lang.short_institution_name("Dinas Kesehatan") == "Dinas Kesehatan"


def test_small_helpers():
    assert lang.number_word(3) == "tiga"
    assert lang.number_word(12) == "12"
    assert lang.field_phrase("Seni & Budaya") == "seni dan budaya"
    assert lang.field_phrase("Ekonomi & UMKM") == "ekonomi dan UMKM"
    assert lang.sentence("  lagu daerah  dibawakan ") == "lagu daerah dibawakan."
    assert lang.ucfirst("siswa SMP") == "Siswa SMP"


def test_cached_names_agree_with_babel_formatting():
    from babel.dates import format_date

    for offset in range(0, 400, 11):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        assert lang.day_date(day).split(" ")[0] == format_date(day, "EEEE", locale="id")
        assert lang.long_date(day) == format_date(day, "d MMMM y", locale="id")
