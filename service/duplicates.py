"""Likely duplicate achievements, the scan: the same evidence file, a near-identical entry, one person in one event."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from service.db import batches, dialect, execute_batch, execute_deferred, insert_rows, sql
from service.models import DuplicateHint

log = logging.getLogger("juara.duplicates")

# "A date within a few days": entries of one win typed twice rarely differ by more.
DATE_WINDOW_DAYS = 3
# One person in one event: the event may be entered with its opening or closing date.
PERSON_EVENT_WINDOW_DAYS = 30
TITLE_THRESHOLD = 88
EVENT_THRESHOLD = 90
TITLE_HINT_THRESHOLD = 60
# The most hints kept per achievement, strongest first (rank_key): a file of one event where the same
# students won in many categories pairs every row with every other of the same person, so the strongest
# few are kept and shown, not all of them.
MAX_HINTS_PER_ACHIEVEMENT = 10
# SQLite and asyncpg both cap bound parameters per statement; stay far below the caps.
CHUNK = 2000
BATCHED_REFRESH = 50  # refreshes of up to this many achievements write their hints in one batch
# Up to this many persons, SQLite seeks each on the achievement_person(person_id) index (see find_hints).
SQLITE_PERSON_SEEK_MAX = 100


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


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, Roman numerals of ranks to digits ("Juara II" = "Juara 2")."""
    words = _NON_WORD.sub(" ", text.lower()).split()
    return " ".join(_ROMAN.get(w, w) for w in words)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    institution_id: int
    date: dt.date
    title: str
    event: str
    rank: str
    level: str
    category_id: int
    numbers: frozenset[str]


def rank_key(reason: DuplicateReason, score: int, other_id: int) -> tuple[int, int, int]:
    """Order of one achievement's hints, strongest first: reason, then score, then the older achievement."""
    return (-REASON_STRENGTH[reason], -score, other_id)


def _date(value: Any) -> dt.date:
    # PostgreSQL returns dates, SQLite ISO text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _entry(row: Any) -> Entry:
    return Entry(
        id=row["id"], institution_id=row["institution_id"], date=_date(row["date"]),
        title=row["title"], event=row["event_name"], rank=str(row["rank"]),
        level=str(row["level"]), category_id=row["category_id"], numbers=frozenset(_DIGITS.findall(normalise(row["title"]))),
    )


_ENTRY_COLUMNS = "id, institution_id, date, title, event_name, rank, level, category_id"


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
    title = fuzz.token_sort_ratio(normalise(a.title), normalise(b.title), score_cutoff=TITLE_THRESHOLD)
    if title:
        return int(title)
    # The same event, level and category with a title worded differently ("Desa Terbaik Lomba Tertib
    # Administrasi" for "Juara 1 Lomba Desa Tertib Administrasi"); unrelated titles at one event are two wins.
    if a.level == b.level and a.category_id == b.category_id and fuzz.token_set_ratio(
        normalise(a.title), normalise(b.title), score_cutoff=TITLE_HINT_THRESHOLD
    ):
        event = fuzz.token_sort_ratio(normalise(a.event), normalise(b.event), score_cutoff=EVENT_THRESHOLD)
        if event:
            return int(event)
    return None


def same_person_event_score(a: Entry, b: Entry) -> int | None:
    if abs((a.date - b.date).days) > PERSON_EVENT_WINDOW_DAYS:
        return None
    return _event_score(a.event, b.event)


def _event_score(a: str, b: str) -> int | None:
    score = fuzz.token_sort_ratio(normalise(a), normalise(b), score_cutoff=EVENT_THRESHOLD)
    return int(score) if score else None


def _chunks(items: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(items), CHUNK):
        yield list(items[i:i + CHUNK])


async def _rows(conn: Any, query: str, values: list[Any]) -> list[Any]:
    # Plain SQL: at import scale the ORM's per-value query building and date parsing dominate. The driver's
    # rows (sqlite3.Row, asyncpg Record) are read by column name as they come, without a dict per row.
    return list((await conn.execute_query(sql(query), values))[1])


async def _rows_in(conn: Any, query: str, column: str, keys: Sequence[Any], extra: str = "",
                   extra_values: Sequence[Any] = ()) -> list[Any]:
    out: list[Any] = []
    for part in _chunks(keys):
        marks = ", ".join("?" for _ in part)
        out += await _rows(conn, f"{query} WHERE {column} IN ({marks}){extra}", [*part, *extra_values])
    return out


async def _entries(conn: Any, ids: Sequence[int]) -> dict[int, Entry]:
    rows = await _rows_in(conn, f"SELECT {_ENTRY_COLUMNS} FROM achievement", "id", ids)
    return {r["id"]: _entry(r) for r in rows}


async def _persons_of(conn: Any, ids: Sequence[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for r in await _rows_in(conn, "SELECT achievement_id, person_id FROM achievement_person", "achievement_id", ids):
        out[r["achievement_id"]].add(r["person_id"])
    return out


# Records one candidate pair (subject, other, reason, score), keeping the strongest reason per pair.
AddCandidate = Callable[[int, int, DuplicateReason, int], None]


async def find_hints(
    conn: Any, ids: Sequence[int], members: Callable[[int], bool] | None = None, files: bool = True,
    limit: int | None = MAX_HINTS_PER_ACHIEVEMENT, entries: dict[int, Entry] | None = None,
) -> dict[tuple[int, int, DuplicateReason], int]:
    """The duplicate pairs found for the given achievements: {(newer, older, reason): score}.

    Each pair carries its strongest reason only. Each given achievement keeps its `limit` strongest pairs
    (rank_key; None keeps all); a pair kept by either side is returned.

    `members` tells which achievements belong to the whole set being checked when `ids` is one chunk of
    it: a pair of two members is scored once, from its newer side, whichever chunk holds the older one.
    The three kinds of match each add their candidates; the strongest are kept. `entries`: the given
    achievements, when the caller has just read them."""
    files_of: list[Any] | None = None
    if entries is not None:
        subjects = entries
    elif batches(conn) and len(ids) <= BATCHED_REFRESH:
        # A step of a few achievements: what is read of them travels in one batch.
        marks = ", ".join("?" for _ in ids)
        entry_rows, link_rows, files_of = await execute_batch(conn, [
            (f"SELECT {_ENTRY_COLUMNS} FROM achievement WHERE id IN ({marks})", list(ids)),
            (f"SELECT achievement_id, person_id FROM achievement_person WHERE achievement_id IN ({marks})", list(ids)),
            (f"SELECT achievement_id, sha256 FROM evidence WHERE achievement_id IN ({marks}) AND sha256 IS NOT NULL",
             list(ids)),
        ])
        subjects = {r["id"]: _entry(r) for r in entry_rows}
        persons: dict[int, set[int]] = defaultdict(set)
        for r in link_rows:
            persons[r["achievement_id"]].add(r["person_id"])
    else:
        subjects = await _entries(conn, ids)
    if members is None:
        members = subjects.__contains__
    if not subjects:
        return {}
    # Per subject: the other achievement -> (reason, score) of the strongest match so far.
    candidates: dict[int, dict[int, tuple[DuplicateReason, int]]] = defaultdict(dict)

    def add(subject: int, other: int, reason: DuplicateReason, score: int) -> None:
        mine = candidates[subject]
        current = mine.get(other)
        if current is None or rank_key(reason, score, other) < rank_key(*current, other):
            mine[other] = (reason, score)

    subject_ids = list(subjects)
    if files_of is None:
        persons = await _persons_of(conn, subject_ids)
    if files:
        await _same_evidence_file(conn, subject_ids, add, files_of)
    await _similar_entries(conn, subjects, persons, members, add)
    await _same_person_event(conn, subjects, persons, members, limit, add)
    return _strongest(candidates, limit)


async def _same_evidence_file(conn: Any, subject_ids: list[int], add: AddCandidate,
                              files_of: list[Any] | None = None) -> None:
    """The same evidence file: a certificate scan uploaded twice. `files_of`: the subjects' files, if read."""
    hashes: dict[str, set[int]] = defaultdict(set)
    if files_of is None:
        files_of = await _rows_in(conn, "SELECT achievement_id, sha256 FROM evidence", "achievement_id", subject_ids,
                                  " AND sha256 IS NOT NULL")
    for r in files_of:
        hashes[r["sha256"]].add(r["achievement_id"])
    if hashes:
        for r in await _rows_in(conn, "SELECT achievement_id, sha256 FROM evidence", "sha256", list(hashes)):
            for subject in hashes[r["sha256"]]:
                if r["achievement_id"] != subject:
                    add(subject, r["achievement_id"], DuplicateReason.SAME_EVIDENCE_FILE, 100)


async def _similar_entries(conn: Any, subjects: dict[int, Entry], persons: dict[int, set[int]],
                           members: Callable[[int], bool], add: AddCandidate) -> None:
    """One institution, dates a few days apart, a near-identical title or event."""
    by_institution: dict[int, list[Entry]] = defaultdict(list)
    for entry in subjects.values():
        by_institution[entry.institution_id].append(entry)
    for institution_id, entries in by_institution.items():
        lo = min(e.date for e in entries) - dt.timedelta(days=DATE_WINDOW_DAYS)
        hi = max(e.date for e in entries) + dt.timedelta(days=DATE_WINDOW_DAYS)
        rows = await _rows(
            conn, f"SELECT {_ENTRY_COLUMNS} FROM achievement WHERE institution_id = ? AND date >= ? AND date <= ?",
            [institution_id, _date_param(lo), _date_param(hi)],
        )
        # Indexed by (day, rank, numbers in the title): different ranks or numbers are never the same win
        # (similar_entry_score), so they are not even compared; a file of many rows of one day stays linear.
        by_day: dict[tuple[int, str, frozenset[str]], list[Entry]] = defaultdict(list)
        for row in rows:
            entry = subjects.get(row["id"]) or _entry(row)
            by_day[(entry.date.toordinal(), entry.rank, entry.numbers)].append(entry)
        other_ids = [e.id for day in by_day.values() for e in day if e.id not in subjects]
        other_persons = await _persons_of(conn, other_ids) if other_ids else {}

        def persons_of(entry_id: int, other_persons: dict[int, set[int]] = other_persons) -> set[int]:
            return persons.get(entry_id) or other_persons.get(entry_id, set())

        # Each group also by person: entries whose persons are disjoint are never the same win, so an entry
        # with persons is compared with the entries sharing one and those without any (many rows of one day
        # and one rank, a few students each, stay far from quadratic).
        by_person: dict[tuple[int, str, frozenset[str]], tuple[dict[int, list[Entry]], list[Entry]]] = {}
        for key, group in by_day.items():
            index: dict[int, list[Entry]] = defaultdict(list)
            nobody: list[Entry] = []
            for other in group:
                pids = persons_of(other.id)
                for pid in pids:
                    index[pid].append(other)
                if not pids:
                    nobody.append(other)
            by_person[key] = (index, nobody)
        for entry in entries:
            day = entry.date.toordinal()
            mine = persons.get(entry.id, set())
            for offset in range(-DATE_WINDOW_DAYS, DATE_WINDOW_DAYS + 1):
                key = (day + offset, entry.rank, entry.numbers)
                if key not in by_day:
                    continue
                if mine:
                    index, nobody = by_person[key]
                    sharing = {o.id: o for pid in mine for o in index.get(pid, ())}
                    sharing.update((o.id, o) for o in nobody)
                    compared: Iterable[Entry] = sharing.values()
                else:
                    compared = by_day[key]
                for other in compared:
                    # A pair of two subjects is scored once, from its newer side.
                    if other.id == entry.id or (members(other.id) and other.id > entry.id):
                        continue
                    score = similar_entry_score(entry, other, mine, persons_of(other.id))
                    if score is not None:
                        add(entry.id, other.id, DuplicateReason.SIMILAR_ENTRY, score)


async def _same_person_event(conn: Any, subjects: dict[int, Entry], persons: dict[int, set[int]],
                             members: Callable[[int], bool], limit: int | None, add: AddCandidate) -> None:
    """One person in one event, whichever institution entered it."""
    person_ids = sorted({p for ps in persons.values() for p in ps})
    if person_ids:
        window = dt.timedelta(days=PERSON_EVENT_WINDOW_DAYS)
        lo = min(e.date for e in subjects.values()) - window
        hi = max(e.date for e in subjects.values()) + window
        # Only the persons' achievements within the window around these subjects are read. A few persons are
        # sought on the person_id index (an edited achievement, a small file: 3 ms instead of 86 ms on the
        # 100k bench). With many persons SQLite still walks the date window and probes the (achievement_id,
        # person_id) index once per listed person for every achievement in it (1.3 s for 1632 persons); the
        # unary plus makes it seek each achievement's links and test the person against the list (41 ms).
        # PostgreSQL's planner picks well either way.
        column = "+ap.person_id" if dialect() == "sqlite" and len(person_ids) > SQLITE_PERSON_SEEK_MAX else "ap.person_id"
        # The rule looks at the others' day and event only.
        links = await _rows_in(
            conn, "SELECT ap.person_id, ap.achievement_id, a.date, a.event_name FROM achievement_person ap "
            "JOIN achievement a ON a.id = ap.achievement_id", column, person_ids,
            " AND a.date >= ? AND a.date <= ?", [_date_param(lo), _date_param(hi)],
        )
        # Each person's achievements grouped by (day, event), the groups in date order, so that only those
        # within the window are looked at and each group's event is scored once: its members tie on
        # everything but their id.
        grouped: dict[int, dict[tuple[int, str], list[int]]] = defaultdict(lambda: defaultdict(list))
        days_of: dict[Any, int] = {}
        for r in links:
            oid = r["achievement_id"]
            subject = subjects.get(oid)
            if subject is not None:
                day = subject.date.toordinal()
            else:
                raw = r["date"]
                day = days_of.get(raw) or days_of.setdefault(raw, _date(raw).toordinal())
            grouped[r["person_id"]][(day, r["event_name"])].append(oid)
        timeline: dict[int, tuple[list[int], list[tuple[str, list[int]]]]] = {}
        for pid, groups in grouped.items():
            keys = sorted(groups)
            timeline[pid] = ([k[0] for k in keys], [(k[1], sorted(groups[k])) for k in keys])
        event_scores: dict[tuple[str, str], int | None] = {}
        for sid, pids in persons.items():
            entry = subjects[sid]
            day = entry.date.toordinal()
            for pid in pids:
                if pid not in timeline:
                    continue
                days, day_groups = timeline[pid]
                lo_i = bisect.bisect_left(days, day - PERSON_EVENT_WINDOW_DAYS)
                hi_i = bisect.bisect_right(days, day + PERSON_EVENT_WINDOW_DAYS)
                for event, group_ids in day_groups[lo_i:hi_i]:
                    pair = (entry.event, event)
                    if pair not in event_scores:
                        event_scores[pair] = _event_score(entry.event, event)
                    score = event_scores[pair]
                    if score is None:
                        continue
                    # Tied on reason and score, the lowest ids rank first (rank_key): past `limit` of them
                    # no later one can be among this subject's strongest.
                    taken = 0
                    for oid in group_ids:
                        if oid == sid or (members(oid) and oid > sid):
                            continue
                        add(sid, oid, DuplicateReason.SAME_PERSON_EVENT, score)
                        taken += 1
                        if limit is not None and taken >= limit:
                            break


def _strongest(candidates: dict[int, dict[int, tuple[DuplicateReason, int]]],
               limit: int | None) -> dict[tuple[int, int, DuplicateReason], int]:
    """The `limit` strongest pairs of each subject, as {(newer, older, reason): score}; one reason per pair."""
    best: dict[tuple[int, int], tuple[DuplicateReason, int]] = {}
    for subject, others in candidates.items():
        items: Iterable[tuple[int, tuple[DuplicateReason, int]]] = others.items()
        if limit is not None and len(others) > limit:
            items = heapq.nsmallest(limit, items, key=lambda kv: rank_key(kv[1][0], kv[1][1], kv[0]))
        for other, (reason, score) in items:
            pair = (subject, other) if subject > other else (other, subject)
            current = best.get(pair)
            if current is None or rank_key(reason, score, 0) < rank_key(*current, 0):
                best[pair] = (reason, score)
    return {(newer, older, reason): score for (newer, older), (reason, score) in best.items()}


def _date_param(value: dt.date) -> Any:
    return value if dialect() == "postgres" else value.isoformat()


async def refresh(conn: Any, ids: Sequence[int]) -> int:
    """Recompute the duplicate hints of these achievements inside the caller's transaction; returns the count."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    found = await find_hints(conn, ids)
    if len(ids) <= BATCHED_REFRESH and batches(conn):
        # One achievement's step (create, edit, submit): its old hints out and the new ones in, together
        # (at most MAX_HINTS_PER_ACHIEVEMENT rows each, well within SQLite's parameter limit).
        marks = ", ".join("?" for _ in ids)
        statements: list[tuple[str, list]] = [
            (f"DELETE FROM duplicate_hint WHERE achievement_id IN ({marks})", list(ids)),
            (f"DELETE FROM duplicate_hint WHERE original_id IN ({marks})", list(ids)),
        ]
        if found:
            created_at = dt.datetime.now(dt.UTC)
            statements.append((
                "INSERT INTO duplicate_hint (achievement_id, original_id, reason, score, created_at) VALUES "
                + ", ".join("(?, ?, ?, ?, ?)" for _ in found),
                [v for (a, o, r), sc in found.items() for v in (a, o, r.value, sc, created_at)]))
        await execute_deferred(conn, statements)  # nothing in the step reads the hints again
    else:
        for part in _chunks(ids):
            await DuplicateHint.filter(achievement_id__in=part).using_db(conn).delete()
            await DuplicateHint.filter(original_id__in=part).using_db(conn).delete()
        await _insert(conn, found)
    if found:
        log.info("duplicate hints found", extra={"achievements": len(ids), "hints": len(found)})
    return len(found)


async def _insert(conn: Any, found: dict[tuple[int, int, DuplicateReason], int]) -> None:
    # Plain rows in bulk: model instances per hint cost more than finding them.
    if found:
        created_at = dt.datetime.now(dt.UTC)
        await insert_rows(conn, "duplicate_hint", ("achievement_id", "original_id", "reason", "score", "created_at"),
                          [[a, o, r.value, s, created_at] for (a, o, r), s in found.items()])


async def refresh_new_rows(conn: Any, institution_id: int, first_id: int, last_id: int, chunk: int = 1000) -> int:
    """Hints for achievements just inserted in bulk (ids first_id..last_id of one institution), in chunks
    taken in date order, so that memory stays flat however many rows were inserted."""
    total = 0
    cursor: tuple[Any, int] | None = None
    base = f"SELECT {_ENTRY_COLUMNS} FROM achievement WHERE institution_id = ? AND id >= ? AND id <= ?"
    while True:
        if cursor is None:
            rows = await _rows(conn, f"{base} ORDER BY date, id LIMIT {int(chunk)}", [institution_id, first_id, last_id])
        else:
            rows = await _rows(
                conn, f"{base} AND (date > ? OR (date = ? AND id > ?)) ORDER BY date, id LIMIT {int(chunk)}",
                [institution_id, first_id, last_id, cursor[0], cursor[0], cursor[1]],
            )
        if not rows:
            return total
        # Rows inserted in bulk carry no uploaded files yet: the evidence-file rule has nothing to match.
        subjects = {r["id"]: _entry(r) for r in rows}
        found = await find_hints(conn, list(subjects), lambda i: first_id <= i <= last_id, files=False,
                                 entries=subjects)
        await _insert(conn, found)
        total += len(found)
        cursor = (rows[-1]["date"], rows[-1]["id"])
