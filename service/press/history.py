"""Context from the registry: one or two true sentences about an achievement's place in verified history.

Computed from VERIFIED rows read in the drafting transaction, in a fixed order (date, then id), so the same
database gives the same sentences. A person is mentioned only when they consented to publication. The
candidates are ranked by how newsworthy they are: a first time, then a record, a streak, a person's earlier
win, and plain counts last.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tortoise import connections

from service.db import dialect, sql
from service.enums import LEVEL_ORDER, AchievementLevel, AchievementRank, AchievementStatus
from service.press import language as lang
from service.press.story import first_name, rank_words, short_name

MAX_SENTENCES = 2
# A first time or a record only makes news from the regency level up.
_NEWSWORTHY_FROM = LEVEL_ORDER.index(AchievementLevel.KABUPATEN)
_ORDINALS = ("pertama", "kedua", "ketiga", "keempat", "kelima", "keenam", "ketujuh", "kedelapan", "kesembilan",
             "kesepuluh")
_LEVEL_SHORT = {
    AchievementLevel.DESA: "tingkat desa",
    AchievementLevel.KECAMATAN: "tingkat kecamatan",
    AchievementLevel.KABUPATEN: "tingkat kabupaten",
    AchievementLevel.KARESIDENAN: "tingkat karesidenan",
    AchievementLevel.PROVINSI: "tingkat provinsi",
    AchievementLevel.NASIONAL: "tingkat nasional",
    AchievementLevel.INTERNASIONAL: "tingkat internasional",
}


def ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"ke-{n}"


@dataclass(frozen=True)
class Past:
    """One verified achievement, as much of it as context needs."""

    id: int
    institution_id: int
    kecamatan_id: int | None
    level: AchievementLevel
    date: dt.date
    event_name: str
    rank: AchievementRank
    rank_label: str | None
    title: str

    @property
    def order(self) -> tuple[dt.date, int]:
        return (self.date, self.id)

    @property
    def level_index(self) -> int:
        return LEVEL_ORDER.index(self.level)


@dataclass(frozen=True)
class Subject:
    """The achievement the draft is about, and who may be named."""

    current: Past
    institution_name: str
    kecamatan_name: str | None
    person_name: str | None  # only a single person with publication consent


@dataclass(frozen=True)
class KecamatanBefore:
    """What the context needs of the kecamatan's verified history before an achievement: counts, not rows
    (a kecamatan holds a twentieth of the registry)."""

    earlier: bool  # any verified achievement of the kecamatan before this one
    at_or_above: bool  # one of them at this achievement's level or higher
    same_year: int  # how many of them in this achievement's year


def kecamatan_before(current: Past, past: list[Past]) -> KecamatanBefore:
    """The same summary from a list of verified rows (the current one may be among them)."""
    before = [p for p in past if p.order < current.order]
    return KecamatanBefore(earlier=bool(before),
                           at_or_above=any(p.level_index >= current.level_index for p in before),
                           same_year=sum(1 for p in before if p.date.year == current.date.year))


def context_sentences(subject: Subject, institution_past: list[Past], kecamatan: KecamatanBefore | None,
                      person_past: list[Past]) -> tuple[str, ...]:
    """The best one or two sentences; each list holds verified rows (the current one may be among them)."""
    cur = subject.current
    short = short_name(subject.institution_name)
    before_inst = sorted((p for p in institution_past if p.order < cur.order), key=lambda p: p.order)
    kec = kecamatan or KecamatanBefore(earlier=False, at_or_above=False, same_year=0)
    candidates: list[tuple[int, str]] = []
    year = cur.date.year
    if (subject.kecamatan_name and kec.earlier and cur.level_index > _NEWSWORTHY_FROM
            and not kec.at_or_above):
        candidates.append((100, f"Untuk pertama kalinya, prestasi {_LEVEL_SHORT[cur.level]} dari Kecamatan "
                                f"{subject.kecamatan_name} tercatat dalam aplikasi Purbalingga Juara."))
    if (len(before_inst) >= 2 and cur.level_index >= _NEWSWORTHY_FROM
            and all(p.level_index < cur.level_index for p in before_inst)):
        candidates.append((90, f"Ini menjadi prestasi tertinggi {short} yang tercatat sejauh ini."))
    same_event_years = {p.date.year for p in before_inst if p.event_name.lower() == cur.event_name.lower()}
    streak = 1
    while year - streak in same_event_years:
        streak += 1
    if streak >= 2:
        candidates.append((80, f"Dengan raihan ini, {short} berprestasi di ajang yang sama {lang.number_word(streak)} "
                               "tahun berturut-turut."))
    if subject.person_name:
        earlier = sorted((p for p in person_past if p.order < cur.order), key=lambda p: p.order)
        if earlier:
            last = earlier[-1]
            candidates.append((70, f"Sebelumnya, {first_name(subject.person_name)} juga meraih "
                                   f"{rank_words(last.rank, last.rank_label, last.title)} {last.event_name} pada "
                                   f"{lang.month_year(last.date)}."))
    same_level_year = [p for p in before_inst if p.level == cur.level and p.date.year == year]
    if same_level_year:
        n = len(same_level_year) + 1
        candidates.append((50, f"Ini merupakan prestasi {_LEVEL_SHORT[cur.level]} {ordinal(n)} {short} "
                               f"sepanjang {year}."))
    if subject.kecamatan_name and kec.same_year >= 2 and subject.kecamatan_name.lower() not in short.lower():
        candidates.append((40, f"Dengan raihan ini, Kecamatan {subject.kecamatan_name} mengumpulkan "
                               f"{kec.same_year + 1} prestasi sepanjang {year}."))
    candidates.sort(key=lambda c: -c[0])
    return tuple(text for _, text in candidates[:MAX_SENTENCES])


def _past(row: Any) -> Past:
    return Past(id=row["id"], institution_id=row["institution_id"], kecamatan_id=row["kecamatan_id"],
                level=AchievementLevel(row["level"]), date=row["date"], event_name=row["event_name"],
                rank=AchievementRank(row["rank"]), rank_label=row["rank_label"], title=row["title"])


# Ids per IN list: PostgreSQL's protocol takes at most 32 767 parameters a statement (the drafts of a few
# hundred achievements of a million-row registry reached it through their persons' earlier achievements).
IN_CHUNK = 10_000


def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i:i + IN_CHUNK] for i in range(0, len(ordered), IN_CHUNK)]


_FIELDS = ("id", "institution_id", "kecamatan_id", "level", "date", "event_name", "rank", "rank_label", "title")


async def history_for(achievements: list[Any], persons: dict[int, list[tuple[int, str, bool]]],
                      names: dict[int, tuple[str, str | None]], conn: Any) -> dict[int, tuple[str, ...]]:
    """Context sentences per achievement id, from VERIFIED rows read on `conn` (the drafting transaction).

    `persons` maps an achievement id to its (person id, name, consent); `names` to (institution, kecamatan).
    """
    from service.models import Achievement, AchievementPerson

    if not achievements:
        return {}
    inst_ids = {a.institution_id for a in achievements}
    rows = [row for chunk in _chunks(inst_ids) for row in await Achievement.filter(
        status=AchievementStatus.VERIFIED, institution_id__in=chunk).using_db(conn).values(*_FIELDS)]
    by_inst: dict[int, list[Past]] = defaultdict(list)
    for row in rows:
        by_inst[row["institution_id"]].append(_past(row))
    consenting = {pid for links in persons.values() for pid, _, consent in links if consent}
    by_person: dict[int, list[Past]] = defaultdict(list)
    if consenting:
        links = [link for chunk in _chunks(consenting) for link in await AchievementPerson.filter(
            person_id__in=chunk).using_db(conn).values_list("person_id", "achievement_id")]
        ids = {aid for _, aid in links}
        person_rows = {r["id"]: _past(r) for chunk in _chunks(ids) for r in await Achievement.filter(
            id__in=chunk, status=AchievementStatus.VERIFIED).using_db(conn).values(*_FIELDS)}
        for pid, aid in links:
            if aid in person_rows:
                by_person[pid].append(person_rows[aid])
    out = {}
    for a in achievements:
        current = _past({f: getattr(a, f) for f in _FIELDS})
        links = persons.get(a.id, [])
        named = links[0] if len(links) == 1 and links[0][2] else None
        institution, kecamatan = names[a.id]
        out[a.id] = context_sentences(
            Subject(current, institution, kecamatan, named[1] if named else None),
            by_inst.get(a.institution_id, []),
            await _kecamatan_before(current, conn) if a.kecamatan_id else None,
            by_person.get(named[0], []) if named else [],
        )
    return out


_BEFORE = "(date < ? OR (date = ? AND id < ?))"


async def _kecamatan_before(current: Past, conn: Any) -> KecamatanBefore:
    """The kecamatan's verified history before `current`, counted by the database on the index of
    (kecamatan, status, date): whether there is any, whether any reached this level (asked only when it can
    make news) and how many fell in the same year."""
    def day(value: dt.date) -> Any:
        return value.isoformat() if dialect() == "sqlite" else value

    conn = conn or connections.get("default")  # outside a transaction, as facts_for may be called

    key = [AchievementStatus.VERIFIED.value, current.kecamatan_id]
    before = [day(current.date), day(current.date), current.id]
    checks = [f"EXISTS (SELECT 1 FROM achievement WHERE status = ? AND kecamatan_id = ? AND {_BEFORE})",
              f"(SELECT COUNT(*) FROM achievement WHERE status = ? AND kecamatan_id = ? AND date >= ? AND {_BEFORE})"]
    params = [*key, *before, *key, day(dt.date(current.date.year, 1, 1)), *before]
    if current.level_index > _NEWSWORTHY_FROM:
        higher = [level.value for level in LEVEL_ORDER[current.level_index:]]
        checks.append(f"EXISTS (SELECT 1 FROM achievement WHERE status = ? AND kecamatan_id = ? AND level IN "
                      f"({', '.join('?' for _ in higher)}) AND {_BEFORE})")
        params += [*key, *higher, *before]
    _, rows = await conn.execute_query(sql(f"SELECT {', '.join(checks)}"), params)
    values = tuple(rows[0])
    return KecamatanBefore(earlier=bool(values[0]), same_year=int(values[1]),
                           at_or_above=bool(values[2]) if len(values) > 2 else False)
