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
from typing import Any, cast

from tortoise.transactions import in_transaction

from service.db import insert_rows
from service.demo_data import (  # the tables; this module only draws from them
    BUMD_NAMES,
    BUSINESS_PATTERNS,
    COACH_SENTENCES,
    CONTEST_RANK_WEIGHTS,
    CONTEST_RANKS,
    DINDIKBUD,
    DINKES,
    DINPERTAN,
    EVENTS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    KIND_CATEGORIES,
    KIND_WEIGHT,
    LAST_NAMES,
    LEVEL_WEIGHTS,
    MEDAL_CATEGORIES,
    MEDAL_RANK_WEIGHTS,
    MEDAL_RANKS,
    OPD_NAMES,
    ORG_PATTERNS,
    OTHER_PATTERNS,
    PERSON_CATEGORIES,
    PLACES,
    RANK_TEXT,
    REGENCY_ORGANISATIONS,
    REJECTION_REASONS,
    Event,
)
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


def nik_values(nik: str | None) -> tuple[str | None, str | None]:
    from service.nik import nik_columns

    cols = nik_columns(nik)
    return cols["nik_encrypted"], cols["nik_hash"]

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
                consent, *nik_values(nik), stored_birth, phone, now, role.value, giver, now if consent else None,
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


_MEDALS = (R.MEDALI_EMAS, R.MEDALI_PERAK, R.MEDALI_PERUNGGU)
# Award names that carry their own noun; the others are a "predikat".
_OWN_NOUN = ("Opini", "Akreditasi", "Harmony", "Indeks", "Top", "Proklim", "STBM")


def _bare(name: str) -> str:
    """'Olimpiade Sains Nasional (OSN)' -> 'Olimpiade Sains Nasional'."""
    return name.split(" (")[0]


_SCHOOL_EVENT = ("Pelajar", "Siswa", "(POPDA)", "(O2SN)", "(FLS2N)", "(OSN)", "(KSM)", "Sekolah", "Madrasah",
                 "Schools", "Science and Mathematics")


def _suits(kind: InstitutionKind, ev: Event, level: AchievementLevel) -> bool:
    """A village government does not win its own village's contest; pupils' events are for schools."""
    if kind in (K.PEMERINTAH_DESA, K.KELURAHAN) and level == L.DESA:
        return False
    return kind == K.SEKOLAH or not any(word in ev.name for word in _SCHOOL_EVENT)


def _fits(slug: str, ev: Event, level: AchievementLevel | None, rank: AchievementRank,
          kind: InstitutionKind) -> bool:
    if level is not None and (level not in ev.levels or not _suits(kind, ev, level)):
        return False
    if level is None and not any(_suits(kind, ev, x) for x in ev.levels):
        return False
    if rank == R.PENGHARGAAN:
        return bool(ev.predicates)
    if ev.predicates:
        return False
    return rank not in _MEDALS or slug in MEDAL_CATEGORIES


def _fitting(draw: _Draw, pool: list[_Inst], everyone: list[_Inst], level: AchievementLevel,
             rank: AchievementRank) -> tuple[_Inst, str, Event, AchievementLevel]:
    """An institution, category and event that really hold this rank at this level: first in the pool
    (a kecamatan's institutions), then anywhere; when no event gives the rank at that level (an award
    at village level), the event's own nearest level."""
    for candidates, wanted in ((pool, level), (everyone, level), (pool, None), (everyone, None)):
        options = [(inst, slug, ev) for inst in candidates for slug, _ in KIND_CATEGORIES[inst.kind]
                   for ev in EVENTS[slug] if _fits(slug, ev, wanted, rank, inst.kind)]
        if options:
            inst, slug, ev = draw.pick(options)
            if level in ev.levels:
                return inst, slug, ev, level
            nearest = min((x for x in ev.levels if _suits(inst.kind, ev, x)),
                          key=lambda x: abs(LEVEL_ORDER.index(x) - LEVEL_ORDER.index(level)))
            return inst, slug, ev, nearest
    raise AssertionError(f"no demo event gives {rank} at {level}")


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
    level_order = {level: LEVEL_ORDER.index(level) for level in L}
    statuses = [S.VERIFIED, S.SUBMITTED, S.DRAFT, S.REJECTED]
    status_cw = _cumulative([80, 8, 7, 5])
    contest_cw = _cumulative(CONTEST_RANK_WEIGHTS)
    medal_cw = _cumulative(MEDAL_RANK_WEIGHTS)
    cat_choices = {k: ([c for c, _ in v], _cumulative([w for _, w in v])) for k, v in KIND_CATEGORIES.items()}
    all_ranks = list(R)
    level_cws: dict[tuple[AchievementLevel, ...], list[float]] = {}
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
        if forced_rank is not None:
            pool = by_kec[kec_ids[i]] if i < len(kec_ids) else plan.institutions
            inst, slug, ev, level = _fitting(draw, pool, plan.institutions, LEVEL_ORDER[i % 7], forced_rank)
            rank = forced_rank
        else:
            inst = draw.pick(draw.weighted(kind_pools, kind_cw))
            slugs, slug_cw = cat_choices[inst.kind]
            slug = draw.weighted(slugs, slug_cw)
            events = [e for e in EVENTS[slug] if any(_suits(inst.kind, e, x) for x in e.levels)] or EVENTS[slug]
            ev = draw.pick(events)
            open_levels = tuple(x for x in ev.levels if _suits(inst.kind, ev, x)) or ev.levels
            level = open_levels[0] if len(open_levels) == 1 else draw.weighted(
                open_levels, level_cws.setdefault(open_levels, _cumulative([LEVEL_WEIGHTS[x] for x in open_levels])))
            if ev.predicates:
                rank = R.PENGHARGAAN
            elif slug in MEDAL_CATEGORIES:
                rank = draw.weighted(MEDAL_RANKS, medal_cw)
            else:
                rank = draw.weighted(CONTEST_RANKS, contest_cw)
        cat = cats[slug]
        status = statuses[i % 4] if i < 8 else draw.weighted(statuses, status_cw)

        date = today - draw.int(1, days_back) * one_day
        event_name = f"{ev.name} {date.year}"
        rank_label = None
        if rank == R.PENGHARGAAN:
            rank_label = draw.pick(ev.predicates[level])
            title = rank_label if rank_label.startswith(_OWN_NOUN) else f"Predikat {rank_label}"
        else:
            what = draw.pick(ev.branches) if ev.branches else _bare(ev.name)
            title = f"{RANK_TEXT[rank]} {what}"
        where = {"desa": inst.desa_name or inst.kec_name, "kec": inst.kec_name}
        organizer = draw.pick(ev.organizers[level]).format(**where)
        location = draw.pick(ev.places.get(level) or PLACES[level]).format(**where)
        persons: list[int] = []
        if slug in PERSON_CATEGORIES and inst.person_ids and draw.random() < 0.75:
            k = draw.int(3, 5) if slug in teams else draw.int(1, 2)
            persons = draw.sample(inst.person_ids, k=min(k, len(inst.person_ids)))
        # What an operator adds: the coach of the persons, and a fact of the event.
        notes = []
        if persons and draw.random() < 0.6:
            coach = f"{draw.pick(FIRST_NAMES_F + FIRST_NAMES_M)} {draw.pick(LAST_NAMES)}"
            notes.append(draw.pick(COACH_SENTENCES).format(name=coach))
        if ev.detail:
            notes.append(ev.detail)
        description = "\n".join(notes) or None

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
    "id", "name", "institution_id", "kecamatan_id", "desa_id", "publication_consent", "nik_encrypted", "nik_hash",
    "birth_date", "phone", "created_at", "role", "consent_given_by", "consent_recorded_at",
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
            await insert_rows(self.conn, table, all_columns, rows)

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

    existing = set(cast(list[str], await User.all().using_db(conn).values_list("username", flat=True)))  # Tortoise types values_list(flat=True) as tuples
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
            name_to_id: dict[str, int] = {}
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
    # Statistics of the tables just filled: until autovacuum comes by, PostgreSQL's planner takes the new
    # tables for empty (the public page of 20 re-ran its subquery per verified row: 52 ms instead of 0.5).
    await db.analyze()
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
