"""Likely duplicate achievements: the same evidence file, a near-identical entry, or one person in one event."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from service.enums import AchievementStatus, EvidenceKind
from service.models import Achievement, AchievementPerson, DuplicateHint, Evidence
from service.security import Actor

log = logging.getLogger("juara.duplicates")

# "A date within a few days": entries of one win typed twice rarely differ by more.
DATE_WINDOW_DAYS = 3
# One person in one event: the event may be entered with its opening or closing date.
PERSON_EVENT_WINDOW_DAYS = 30
TITLE_THRESHOLD = 88
EVENT_THRESHOLD = 90
# SQLite and asyncpg both cap bound parameters per statement; stay far below the caps.
CHUNK = 2000


class DuplicateReason(StrEnum):
    SAME_EVIDENCE_FILE = "SAME_EVIDENCE_FILE"
    SIMILAR_ENTRY = "SIMILAR_ENTRY"
    SAME_PERSON_EVENT = "SAME_PERSON_EVENT"


# When one pair matches for several reasons, the strongest is shown.
REASON_STRENGTH = {
    DuplicateReason.SAME_EVIDENCE_FILE: 3,
    DuplicateReason.SAME_PERSON_EVENT: 2,
    DuplicateReason.SIMILAR_ENTRY: 1,
}

REASON_LABEL = {
    DuplicateReason.SAME_EVIDENCE_FILE: "Berkas bukti yang sama persis (SHA-256 sama).",
    DuplicateReason.SIMILAR_ENTRY: "Instansi sama, tanggal berdekatan, dan judul/kegiatan sangat mirip.",
    DuplicateReason.SAME_PERSON_EVENT: "Orang yang sama pada kegiatan/lomba yang sama.",
}

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, Roman numerals of ranks to digits ("Juara II" = "Juara 2")."""
    words = _NON_WORD.sub(" ", text.lower()).split()
    return " ".join(_ROMAN.get(w, w) for w in words)


@dataclass(frozen=True)
class Entry:
    id: int
    institution_id: int
    date: dt.date
    title: str
    event: str
    rank: str
    level: str
    category_id: int

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(_DIGITS.findall(self.title))


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(
        id=row["id"], institution_id=row["institution_id"], date=row["date"],
        title=normalise(row["title"]), event=normalise(row["event_name"]), rank=str(row["rank"]),
        level=str(row["level"]), category_id=row["category_id"],
    )


_ENTRY_FIELDS = ("id", "institution_id", "date", "title", "event_name", "rank", "level", "category_id")


def similar_entry_score(a: Entry, b: Entry, persons_a: set[int], persons_b: set[int]) -> int | None:
    """Score 0-100 when two entries of one institution look like the same win, else None.

    Different ranks, different numbers in the title ("Juara 1 … 2025" vs "… 2026") or disjoint persons
    mean different wins at the same event, which a school often has."""
    if a.institution_id != b.institution_id or abs((a.date - b.date).days) > DATE_WINDOW_DAYS:
        return None
    if a.rank != b.rank or a.numbers != b.numbers:
        return None
    if persons_a and persons_b and not persons_a & persons_b:
        return None
    title = fuzz.token_sort_ratio(a.title, b.title, score_cutoff=TITLE_THRESHOLD)
    if title:
        return int(title)
    if a.level == b.level and a.category_id == b.category_id:
        event = fuzz.token_sort_ratio(a.event, b.event, score_cutoff=EVENT_THRESHOLD)
        if event:
            return int(event)
    return None


def same_person_event_score(a: Entry, b: Entry) -> int | None:
    if abs((a.date - b.date).days) > PERSON_EVENT_WINDOW_DAYS:
        return None
    score = fuzz.token_sort_ratio(a.event, b.event, score_cutoff=EVENT_THRESHOLD)
    return int(score) if score else None


def _chunks(items: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(items), CHUNK):
        yield list(items[i:i + CHUNK])


async def _entries(conn: Any, ids: Sequence[int]) -> dict[int, Entry]:
    out: dict[int, Entry] = {}
    for part in _chunks(ids):
        for row in await Achievement.filter(id__in=part).using_db(conn).values(*_ENTRY_FIELDS):
            out[row["id"]] = _entry(row)
    return out


async def _persons_of(conn: Any, ids: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for part in _chunks(ids):
        rows = await AchievementPerson.filter(achievement_id__in=part).using_db(conn).values_list(
            "achievement_id", "person_id"
        )
        for aid, pid in rows:
            out[aid].add(pid)
    return out


async def find_hints(conn: Any, ids: Sequence[int]) -> dict[tuple[int, int, DuplicateReason], int]:
    """Every duplicate pair involving the given achievements: {(newer, older, reason): score}."""
    subjects = await _entries(conn, ids)
    if not subjects:
        return {}
    found: dict[tuple[int, int, DuplicateReason], int] = {}

    def add(x: int, y: int, reason: DuplicateReason, score: int) -> None:
        newer, older = (x, y) if x > y else (y, x)
        key = (newer, older, reason)
        found[key] = max(score, found.get(key, 0))

    subject_ids = list(subjects)
    persons = await _persons_of(conn, subject_ids)

    # 1. The same evidence file: a certificate scan uploaded twice.
    hashes: dict[str, set[int]] = defaultdict(set)
    for part in _chunks(subject_ids):
        for aid, sha in await Evidence.filter(
            achievement_id__in=part, kind=EvidenceKind.FILE, sha256__not_isnull=True
        ).using_db(conn).values_list("achievement_id", "sha256"):
            hashes[sha].add(aid)
    if hashes:
        keys = list(hashes)
        for i in range(0, len(keys), CHUNK):
            for aid, sha in await Evidence.filter(sha256__in=keys[i:i + CHUNK], kind=EvidenceKind.FILE).using_db(
                conn
            ).values_list("achievement_id", "sha256"):
                for subject in hashes[sha]:
                    if aid != subject:
                        add(subject, aid, DuplicateReason.SAME_EVIDENCE_FILE, 100)

    # 2. One institution, dates a few days apart, a near-identical title or event.
    by_institution: dict[int, list[Entry]] = defaultdict(list)
    for entry in subjects.values():
        by_institution[entry.institution_id].append(entry)
    for institution_id, entries in by_institution.items():
        lo = min(e.date for e in entries) - dt.timedelta(days=DATE_WINDOW_DAYS)
        hi = max(e.date for e in entries) + dt.timedelta(days=DATE_WINDOW_DAYS)
        rows = await Achievement.filter(institution_id=institution_id, date__gte=lo, date__lte=hi).using_db(
            conn
        ).values(*_ENTRY_FIELDS)
        by_day: dict[int, list[Entry]] = defaultdict(list)
        for row in rows:
            entry = subjects.get(row["id"]) or _entry(row)
            by_day[entry.date.toordinal()].append(entry)
        other_ids = [e.id for day in by_day.values() for e in day if e.id not in subjects]
        other_persons = await _persons_of(conn, other_ids) if other_ids else {}
        for entry in entries:
            day = entry.date.toordinal()
            for offset in range(-DATE_WINDOW_DAYS, DATE_WINDOW_DAYS + 1):
                for other in by_day.get(day + offset, ()):
                    # A pair of two subjects is scored once, from its newer side.
                    if other.id == entry.id or (other.id in subjects and other.id > entry.id):
                        continue
                    score = similar_entry_score(
                        entry, other, persons.get(entry.id, set()),
                        persons.get(other.id) or other_persons.get(other.id, set()),
                    )
                    if score is not None:
                        add(entry.id, other.id, DuplicateReason.SIMILAR_ENTRY, score)

    # 3. One person in one event, whichever institution entered it.
    person_ids = sorted({p for ps in persons.values() for p in ps})
    if person_ids:
        by_person: dict[int, set[int]] = defaultdict(set)
        for part in _chunks(person_ids):
            for aid, pid in await AchievementPerson.filter(person_id__in=part).using_db(conn).values_list(
                "achievement_id", "person_id"
            ):
                by_person[pid].add(aid)
        others = await _entries(conn, sorted({a for s in by_person.values() for a in s} - set(subjects)))
        others.update(subjects)
        for sid, pids in persons.items():
            entry = subjects[sid]
            candidates = {a for p in pids for a in by_person.get(p, ())} - {sid}
            for oid in candidates:
                other = others.get(oid)
                if other is None or (oid in subjects and oid > sid):
                    continue
                score = same_person_event_score(entry, other)
                if score is not None:
                    add(sid, oid, DuplicateReason.SAME_PERSON_EVENT, score)
    return found


async def refresh(conn: Any, ids: Sequence[int]) -> int:
    """Recompute the duplicate hints of these achievements inside the caller's transaction; returns the count."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    found = await find_hints(conn, ids)
    for part in _chunks(ids):
        await DuplicateHint.filter(achievement_id__in=part).using_db(conn).delete()
        await DuplicateHint.filter(original_id__in=part).using_db(conn).delete()
    if found:
        await DuplicateHint.bulk_create(
            [DuplicateHint(achievement_id=a, original_id=o, reason=r.value, score=s) for (a, o, r), s in found.items()],
            batch_size=1000, using_db=conn,
        )
    if found:
        log.info("duplicate hints found", extra={"achievements": len(ids), "hints": len(found)})
    return len(found)


@dataclass(frozen=True)
class PossibleDuplicate:
    achievement_id: int
    reason: DuplicateReason
    score: int

    @property
    def explanation(self) -> str:
        return REASON_LABEL[self.reason]


async def possible_duplicates(actor: Actor | None, achievement_ids: Sequence[int]) -> dict[int, list[PossibleDuplicate]]:
    """The likely duplicates of each achievement, for staff and the achievement's own institution only;
    each listed achievement is one the caller may see. Strongest first."""
    from service.achievements import visible_achievements

    out: dict[int, list[PossibleDuplicate]] = {k: [] for k in achievement_ids}
    if actor is None or not achievement_ids:
        return out
    keys = sorted(set(achievement_ids))
    if actor.is_staff:
        allowed = set(keys)
    else:
        rows = await Achievement.filter(id__in=keys).values_list("id", "institution__path")
        allowed = {aid for aid, path in rows if actor.covers_path(path)}
    if not allowed:
        return out
    pairs: dict[int, dict[int, PossibleDuplicate]] = defaultdict(dict)
    hints = await DuplicateHint.filter(achievement_id__in=list(allowed)).values_list(
        "achievement_id", "original_id", "reason", "score"
    )
    hints += await DuplicateHint.filter(original_id__in=list(allowed)).values_list(
        "original_id", "achievement_id", "reason", "score"
    )
    others = {o for _, o, _, _ in hints}
    visible = set(await visible_achievements(actor).filter(id__in=list(others)).values_list("id", flat=True)) if others else set()
    for subject, other, reason, score in hints:
        if other not in visible:
            continue
        candidate = PossibleDuplicate(other, DuplicateReason(reason), score)
        current = pairs[subject].get(other)
        if current is None or (REASON_STRENGTH[candidate.reason], candidate.score) > (
            REASON_STRENGTH[current.reason], current.score
        ):
            pairs[subject][other] = candidate
    for subject, found in pairs.items():
        out[subject] = sorted(
            found.values(), key=lambda d: (-REASON_STRENGTH[d.reason], -d.score, d.achievement_id)
        )
    return out


def is_status_change_only(new: Achievement, old: Achievement | None) -> bool:
    """A verifier's decision changes no content, so the hints need no refresh."""
    if old is None:
        return False
    return AchievementStatus(new.status) in (AchievementStatus.VERIFIED, AchievementStatus.REJECTED) and (
        AchievementStatus(new.status) != AchievementStatus(old.status)
    )


async def duplicate_rejection_reason(actor: Actor, achievement_id: int, original_id: int, reason: str | None) -> str:
    """The rejection reason of a duplicate, pointing to the original the verifier chose."""
    from service.achievements import get_visible
    from service.errors import UserErrorCode, UserInputError
    from service.text import clean

    if original_id == achievement_id:
        raise UserInputError.one("duplicateOf", UserErrorCode.INVALID, "Prestasi tidak dapat menjadi duplikat dirinya sendiri.")
    original = await get_visible(actor, original_id)
    if original is None:
        raise UserInputError.one("duplicateOf", UserErrorCode.NOT_FOUND, "Prestasi asli tidak ditemukan.")
    pointer = (
        f"Duplikat dari prestasi #{original.id} \u201c{original.title}\u201d "
        f"({original.date.strftime('%d/%m/%Y')})."
    )
    extra = clean(reason)
    return f"{pointer} {extra}" if extra else pointer
