"""Indonesian phrasing for press releases: levels, ranks, name lists, dates and bylines in the house style."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from babel.dates import format_date, get_day_names, get_month_names

from service.enums import AchievementLevel, AchievementRank
from service.labels import RANK_LABEL

LOCALE = "id"

# How a level is written in the lead. The regions are spelled out because a release is read outside
# Purbalingga too: "tingkat Provinsi Jawa Tengah", never a bare "tingkat provinsi".
_LEVEL_LEAD = {
    AchievementLevel.KABUPATEN: "tingkat Kabupaten Purbalingga",
    AchievementLevel.KARESIDENAN: "tingkat Karesidenan Banyumas",
    AchievementLevel.PROVINSI: "tingkat Provinsi Jawa Tengah",
    AchievementLevel.NASIONAL: "tingkat Nasional",
    AchievementLevel.INTERNASIONAL: "tingkat Internasional",
}

_LEVEL_HEADLINE = {
    AchievementLevel.DESA: "Tingkat Desa",
    AchievementLevel.KECAMATAN: "Tingkat Kecamatan",
    AchievementLevel.KABUPATEN: "Tingkat Kabupaten",
    AchievementLevel.KARESIDENAN: "Tingkat Karesidenan",
    AchievementLevel.PROVINSI: "Tingkat Provinsi",
    AchievementLevel.NASIONAL: "Tingkat Nasional",
    AchievementLevel.INTERNASIONAL: "Tingkat Internasional",
}

MEDALS = frozenset({AchievementRank.MEDALI_EMAS, AchievementRank.MEDALI_PERAK, AchievementRank.MEDALI_PERUNGGU})

# The verbs the office alternates between; the first of each list is the plainest.
_VERBS_JUARA = ("meraih", "keluar sebagai", "berhasil meraih", "menyabet", "dinobatkan sebagai")
_VERBS_MEDAL = ("meraih", "menyabet", "mempersembahkan", "berhasil meraih")
_VERBS_AWARD = ("meraih", "menerima", "dianugerahi", "berhasil meraih")
_VERBS_FINALIS = ("berhasil menjadi", "lolos sebagai", "masuk jajaran")
_HEADLINE_VERBS_JUARA = ("Raih", "Sabet", "Raih")
_HEADLINE_VERBS_MEDAL = ("Raih", "Sabet", "Boyong")
_HEADLINE_VERBS_AWARD = ("Raih", "Terima", "Raih")


def _level(value: AchievementLevel | str) -> AchievementLevel:
    """The member itself when given one (drafts are hot: Enum's lookup by value is slow), else by value."""
    return value if value.__class__ is AchievementLevel else AchievementLevel(value)


def _rank(value: AchievementRank | str) -> AchievementRank:
    return value if value.__class__ is AchievementRank else AchievementRank(value)


def level_phrase(level: AchievementLevel | str, kecamatan: str | None = None, desa: str | None = None) -> str:
    """'tingkat Provinsi Jawa Tengah'; a kecamatan or desa contest names its place when known."""
    level = _level(level)
    if level == AchievementLevel.KECAMATAN:
        return f"tingkat Kecamatan {kecamatan}" if kecamatan else "tingkat kecamatan"
    if level == AchievementLevel.DESA:
        return f"tingkat Desa {desa}" if desa else "tingkat desa"
    return _LEVEL_LEAD[level]


def level_headline(level: AchievementLevel | str) -> str:
    """'Tingkat Provinsi': the short form a headline uses."""
    return _LEVEL_HEADLINE[_level(level)]


# Words in an event's own name that already say its level ("Kejuaraan Nasional …", "Popda Jawa Tengah").
_LEVEL_WORDS = {
    AchievementLevel.DESA: r"\btingkat\b",
    AchievementLevel.KECAMATAN: r"\btingkat\b|\bkecamatan\b",
    AchievementLevel.KABUPATEN: r"\btingkat\b|\bkabupaten purbalingga\b",
    AchievementLevel.KARESIDENAN: r"\btingkat\b|\bkaresidenan\b|\bbarlingmascakeb\b",
    AchievementLevel.PROVINSI: r"\btingkat\b|\bprovinsi\b|\bjawa tengah\b|\bjateng\b",
    AchievementLevel.NASIONAL: r"\btingkat\b|\bnasional\b",
    AchievementLevel.INTERNASIONAL: r"\btingkat\b|\binternasional\b|\binternational\b",
}
_LEVEL_WORDS_RE = {level: re.compile(pattern, re.IGNORECASE) for level, pattern in _LEVEL_WORDS.items()}
_TINGKAT_RE = re.compile(r"\btingkat\b", re.IGNORECASE)


def mentions_level(text: str, level: AchievementLevel | str | None = None) -> bool:
    """True when an event name already carries its level, so the lead does not say it twice."""
    pattern = _LEVEL_WORDS_RE[_level(level)] if level else _TINGKAT_RE
    return pattern.search(text) is not None


def rank_name(rank: AchievementRank | str, rank_label: str | None = None) -> str:
    """'Juara Harapan 2', 'Medali Emas'; an award is called by its own label ('Predikat Madya')."""
    rank = _rank(rank)
    if rank is AchievementRank.PENGHARGAAN:
        return rank_label or "penghargaan"
    return RANK_LABEL[rank]


def _verbs(rank: AchievementRank) -> tuple[str, ...]:
    if rank == AchievementRank.PENGHARGAAN:
        return _VERBS_AWARD
    if rank in MEDALS:
        return _VERBS_MEDAL
    if rank == AchievementRank.FINALIS:
        return _VERBS_FINALIS
    return _VERBS_JUARA


def rank_phrase(rank: AchievementRank | str, rank_label: str | None = None, variant: int = 0) -> str:
    """'meraih Juara 1', 'menyabet Medali Emas', 'berhasil menjadi finalis'; variant picks the verb."""
    rank = _rank(rank)
    verbs = _verbs(rank)
    verb = verbs[variant % len(verbs)]
    if rank == AchievementRank.FINALIS:
        return f"{verb} finalis"
    return f"{verb} {rank_name(rank, rank_label)}"


def headline_verb(rank: AchievementRank | str, variant: int = 0) -> str:
    rank = _rank(rank)
    if rank == AchievementRank.PENGHARGAAN:
        verbs = _HEADLINE_VERBS_AWARD
    elif rank in MEDALS:
        verbs = _HEADLINE_VERBS_MEDAL
    else:
        verbs = _HEADLINE_VERBS_JUARA
    return verbs[variant % len(verbs)]


def headline_rank(rank: AchievementRank | str, rank_label: str | None = None, variant: int = 0) -> str:
    """'Raih Juara 1', 'Sabet Medali Emas', 'Jadi Finalis', 'Terima Predikat Madya'."""
    rank = _rank(rank)
    if rank == AchievementRank.FINALIS:
        return ("Jadi Finalis", "Lolos Final", "Jadi Finalis")[variant % 3]
    return f"{headline_verb(rank, variant)} {rank_name(rank, rank_label)}"


def join_names(names: Sequence[str], conjunction: str = "dan") -> str:
    """'A', 'A dan B', 'A, B, dan C': Indonesian lists take the serial comma before 'dan'."""
    items = [n for n in names if n]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


_NUMBER_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh")


def number_word(n: int) -> str:
    """Numbers up to ten in words, as news style wants ('tiga siswa'); larger ones in digits."""
    return _NUMBER_WORDS[n] if 0 <= n <= 10 else str(n)


# Babel's Indonesian names, looked up once: formatting a date is then plain string work (drafts are hot).
_DAY_NAMES = dict(get_day_names("wide", locale=LOCALE))  # 0 = Monday, as date.weekday()
_MONTH_NAMES = dict(get_month_names("wide", locale=LOCALE))  # 1 = January


def day_date(value: dt.date) -> str:
    """'Senin (12/10/2026)': the day name with the date in brackets, no leading zeros."""
    return f"{_DAY_NAMES[value.weekday()]} ({value.day}/{value.month}/{value.year})"


def long_date(value: dt.date) -> str:
    """'12 Oktober 2026'."""
    return f"{value.day} {_MONTH_NAMES[value.month]} {value.year}"


def month_year(value: dt.date) -> str:
    """'Oktober 2026'."""
    return f"{_MONTH_NAMES[value.month]} {value.year}"


def period_phrase(start: dt.date, end: dt.date) -> str:
    """'Oktober 2026' for a whole month, else '1 hingga 15 Oktober 2026' or a span of months/years."""
    next_day = end + dt.timedelta(days=1)
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return month_year(start)
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} hingga {long_date(end)}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=LOCALE)} hingga {long_date(end)}"
    return f"{long_date(start)} hingga {long_date(end)}"


from service.initials import _is_title, byline_initials  # noqa: E402,F401 - re-exported for the press

_SHORT_FORMS = (
    (re.compile(r"^Pemerintah Desa\s+", re.IGNORECASE), "Pemdes "),
    (re.compile(r"^Pemerintah Kelurahan\s+", re.IGNORECASE), "Kelurahan "),
    (re.compile(r"^(SD|SMP|SMA|SMK)\s+Negeri\s+", re.IGNORECASE), None),
)


def short_institution_name(name: str) -> str:
    """The shorter name used after the first mention: 'Pemdes Kedungbenda', 'SMPN 1 Bobotsari'."""
    for pattern, replacement in _SHORT_FORMS:
        match = pattern.match(name)
        if match:
            if replacement is None:
                return f"{match.group(1).upper()}N {name[match.end():]}"
            return replacement + name[match.end():]
    return name


def field_phrase(category_root_name: str) -> str:
    """'Seni & Budaya' -> 'seni dan budaya', for 'di bidang …'."""
    # str.split() splits on exactly the characters re's \s matches (both use Unicode's whitespace), so this
    # is the collapse of whitespace runs and the trim; keep acronyms (UMKM) as they are, lower-case the rest.
    words = category_root_name.replace("&", "dan").split()
    return " ".join([w if w.isupper() and len(w) > 1 else w.lower() for w in words])


def sentence(text: str) -> str:
    """A user-entered fragment as a sentence: trimmed, ending with a full stop."""
    text = " ".join(text.split())  # whitespace runs to one space, trimmed (split() uses re's \s set)
    if not text:
        return text
    return text if text[-1] in ".!?" else text + "."


def ucfirst(text: str) -> str:
    """Capitalise the first letter only ('siswa SMP …' -> 'Siswa SMP …'); Jinja's capitalize lowers the rest."""
    return text[:1].upper() + text[1:]
