"""The achievement workflow: validation, the DRAFT → SUBMITTED → VERIFIED/REJECTED state machine, audit, and
the named follow-up of each step (service/followups.py)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any, cast

from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from service import audit, followups
from service.achievement_rules import check_achievement
from service.clock import now
from service.directory import can_act_for, category_with_descendants, public_person_name, resolve_region
from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
)
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import Achievement, AchievementPerson, Category, Evidence, Institution, Person
from service.security import Actor
from service.text import clean, optional_text, required_text, today_wib, valid_http_url

EDITABLE = (AchievementStatus.DRAFT, AchievementStatus.REJECTED)
SUBMITTABLE = (AchievementStatus.DRAFT, AchievementStatus.REJECTED)
MAX_EVIDENCE_URLS = 20

STATUS_LABEL = {
    AchievementStatus.DRAFT: "draf",
    AchievementStatus.SUBMITTED: "diajukan",
    AchievementStatus.VERIFIED: "terverifikasi",
    AchievementStatus.REJECTED: "ditolak",
}

AUDIT_FIELDS = [
    "title", "event_name", "organizer", "level", "rank", "rank_label", "category_id", "date", "location",
    "description", "institution_id", "kecamatan_id", "desa_id", "status", "rejection_reason", "version",
]


@dataclass
class AchievementData:
    """Parsed input of createAchievement / updateAchievement; for an update only the `present` keys apply."""

    title: str | None = None
    event_name: str | None = None
    organizer: str | None = None
    level: AchievementLevel | None = None
    rank: AchievementRank | None = None
    rank_label: str | None = None
    category_id: int | None = None
    date: dt.date | None = None
    location: str | None = None
    description: str | None = None
    institution_id: int | None = None
    person_ids: list[int] | None = None
    kecamatan_id: int | None = None
    desa_id: int | None = None
    evidence_urls: list[str] | None = None
    present: set[str] = field(default_factory=set)


# --- visibility ---------------------------------------------------------------------------------

def visible_achievements(actor: Actor | None) -> QuerySet[Achievement]:
    """What the caller may see: staff everything; contributors VERIFIED plus their own subtree; else VERIFIED."""
    qs = Achievement.all()
    if actor is not None and actor.can_see_everything:
        return qs
    if actor is not None and actor.institution_path:
        own = Subquery(Institution.filter(path__startswith=actor.institution_path).values("id"))
        return qs.filter(Q(status=AchievementStatus.VERIFIED) | Q(institution_id__in=own))
    return qs.filter(status=AchievementStatus.VERIFIED)


def visibility_key(actor: Actor | None) -> tuple[Any, ...]:
    """What `visible_achievements` reads of the caller: two callers with the same key see the same rows,
    by the same SQL."""
    if actor is not None and actor.can_see_everything:
        return ("everything",)
    if actor is not None and actor.institution_path:
        return ("verified+subtree", actor.institution_path)
    return ("verified",)


async def get_visible(actor: Actor | None, achievement_id: int) -> Achievement | None:
    return await visible_achievements(actor).filter(id=achievement_id).first()


@dataclass
class AchievementFilter:
    status: AchievementStatus | None = None
    level: AchievementLevel | None = None
    rank: AchievementRank | None = None
    category_id: int | None = None
    kecamatan_id: int | None = None
    desa_id: int | None = None
    institution_id: int | None = None
    achiever_kind: AchieverKind | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str | None = None


_FILTER_FIELDS = tuple(f.name for f in dataclass_fields(AchievementFilter))
ORDER_FIELDS = {"DATE": "date", "CREATED_AT": "created_at", "LEVEL": "level_order"}


def order_key(order_field: str, value: Any) -> str | int:
    """The value of the ordering column as a cursor carries it (ISO text for dates, the number for a level)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, int):
        return value
    raise ValueError(f"not an ordering value: {value!r}")


def seek_after(qs: QuerySet[Achievement], order_field: str, descending: bool, key: Any, pk: Any) -> QuerySet[Achievement]:
    """The rows after (key, pk) in the order of `filtered_achievements`: a deep page starts on the index
    instead of counting its way past every earlier row. ValueError for a key that is not one of ours."""
    column = ORDER_FIELDS.get(order_field, "date")
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise ValueError("pk")
    if column == "date":
        value: Any = dt.date.fromisoformat(key)
    elif column == "created_at":
        value = dt.datetime.fromisoformat(key)
        if value.tzinfo is None:
            raise ValueError("naive datetime")
    else:
        if not isinstance(key, int) or isinstance(key, bool):
            raise ValueError("level")
        value = key
    op = "lt" if descending else "gt"
    # (column beyond value) or (column = value and id beyond pk), written so that the first part is a range
    # on the (status, column) index: the OR alone makes the planner filter every earlier row.
    beyond_pk: dict[str, Any] = {f"id__{op}": pk}
    return qs.filter(**{f"{column}__{op}e": value}).filter(Q(**{f"{column}__{op}": value}) | Q(**beyond_pk))


def filtered_key(
    actor: Actor | None, flt: AchievementFilter | None, order_field: str = "DATE", descending: bool = True
) -> tuple[Any, ...] | None:
    """A key naming the SQL that `filtered_achievements` builds for these arguments, for a caller that keeps
    the statement instead of building it again; None when that SQL depends on stored rows as well (a
    category filter reads the category's descendants)."""
    f = flt or AchievementFilter()
    if f.category_id is not None:
        return None
    return (visibility_key(actor), *(getattr(f, name) for name in _FILTER_FIELDS), order_field, descending)


async def filtered_achievements(
    actor: Actor | None, flt: AchievementFilter | None, order_field: str = "DATE", descending: bool = True
) -> QuerySet[Achievement]:
    qs = visible_achievements(actor)
    f = flt or AchievementFilter()
    if f.status is not None:
        qs = qs.filter(status=f.status)
    if f.level is not None:
        qs = qs.filter(level=f.level)
    if f.rank is not None:
        qs = qs.filter(rank=f.rank)
    if f.category_id is not None:
        qs = qs.filter(category_id__in=await category_with_descendants(f.category_id))
    if f.kecamatan_id is not None:
        qs = qs.filter(kecamatan_id=f.kecamatan_id)
    if f.desa_id is not None:
        qs = qs.filter(desa_id=f.desa_id)
    if f.institution_id is not None:
        qs = qs.filter(institution_id=f.institution_id)
    if f.achiever_kind is not None:
        qs = qs.filter(achiever_kind=f.achiever_kind)
    if f.date_from is not None:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(date__lte=f.date_to)
    term = clean(f.search)
    if term:
        term = term[:200]
        links = AchievementPerson.filter(person__name__icontains=term)
        if actor is None or not actor.can_see_everything:
            # A name without publication consent must not be findable: the search would reveal the link.
            readable = Q(person__publication_consent=True)
            if actor is not None and actor.institution_path:
                readable |= Q(person__institution__path__startswith=actor.institution_path)
            links = links.filter(readable)
        by_person = Subquery(links.values("achievement_id"))
        by_institution = Subquery(Institution.filter(name__icontains=term).values("id"))
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(event_name__icontains=term)
            | Q(organizer__icontains=term)
            | Q(institution_id__in=by_institution)
            | Q(id__in=by_person)
        )
    column = ORDER_FIELDS.get(order_field, "date")
    prefix = "-" if descending else ""
    return qs.order_by(f"{prefix}{column}", f"{prefix}id")


# --- validation -----------------------------------------------------------------------------------

async def _validate(
    actor: Actor, data: AchievementData, current: Achievement | None
) -> tuple[dict[str, Any], list[int] | None, list[str] | None]:
    """Check the input against every rule; returns the column values to write, persons and evidence URLs."""
    problems = Problems()
    p = data.present if current is not None else {
        "title", "event_name", "organizer", "level", "rank", "rank_label", "category_id", "date", "location",
        "description", "institution_id", "person_ids", "kecamatan_id", "desa_id", "evidence_urls",
    }
    values: dict[str, Any] = {}
    _check_texts(problems, data, p, values)
    given_persons, broken = _check_choices_and_rules(problems, data, p, current, values)
    if "category_id" in p:
        await _check_category(problems, data, values)
    institution = await _check_institution(problems, actor, data, p, current, values)
    if institution is not None and ("kecamatan_id" in p or "desa_id" in p or "institution_id" in p):
        await _check_region(problems, data, p, current, institution, values)
    person_ids = None
    if "person_ids" in p or ("institution_id" in p and current is not None):
        if given_persons is not None:
            person_ids = given_persons
        else:
            assert current is not None  # without personIds in the input, only an edit's new institution gets here
            person_ids = cast(list[int],  # Tortoise types values_list(flat=True) as tuples
                              await AchievementPerson.filter(achievement_id=current.id).values_list("person_id", flat=True))
        if person_ids and "persons" not in broken:
            await _check_persons(problems, actor, person_ids, institution)
        if "person_ids" in p:
            values["achiever_kind"] = AchieverKind.PERSON if person_ids else AchieverKind.INSTITUTION
    urls = None
    if "evidence_urls" in p and data.evidence_urls is not None:
        urls = _check_urls(problems, data.evidence_urls)
    problems.raise_if_any()
    return values, person_ids, urls


def _check_texts(problems: Problems, data: AchievementData, p: set[str], values: dict[str, Any]) -> None:
    for key, label, limit in (
        ("title", "Judul prestasi", 300), ("event_name", "Nama kegiatan/lomba", 300),
        ("organizer", "Penyelenggara", 300),
    ):
        if key in p:
            text = required_text(problems, _field(key), label, getattr(data, key), limit)
            if text:
                values[key] = text
    for key, label, limit, multiline in (
        ("location", "Lokasi", 300, False), ("description", "Keterangan", 5000, True),
        ("rank_label", "Sebutan penghargaan", 200, False),
    ):
        if key in p:
            values[key] = optional_text(problems, _field(key), label, getattr(data, key), limit, multiline)


def _check_choices_and_rules(
    problems: Problems, data: AchievementData, p: set[str], current: Achievement | None, values: dict[str, Any]
) -> tuple[list[int] | None, set[str]]:
    """Level, rank and date, and the rules the import checks too; returns the persons given (deduplicated)
    and the subjects of the rules broken."""
    if "level" in p:
        if data.level is None:
            problems.add("level", UserErrorCode.REQUIRED, "Tingkat prestasi wajib dipilih.")
        else:
            values["level"] = data.level
            values["level_order"] = LEVEL_ORDER.index(data.level)
    if "rank" in p:
        if data.rank is None:
            problems.add("rank", UserErrorCode.REQUIRED, "Peringkat wajib dipilih.")
        else:
            values["rank"] = data.rank
    # The rules the import checks too (service.achievement_rules), on the values this write would leave.
    given_persons = list(dict.fromkeys(data.person_ids or [])) if "person_ids" in p else None
    breaches = check_achievement(
        today=today_wib(),
        date=data.date if "date" in p else None,
        rank=values.get("rank", current.rank if current else None),
        rank_label=values.get("rank_label", current.rank_label if current else None),
        person_count=len(given_persons) if given_persons is not None else None,
    )
    for breach in breaches:
        problems.add(_BREACH_FIELD[breach.subject], breach.code, breach.message)
    broken = {b.subject for b in breaches}
    if "date" in p:
        if data.date is None:
            problems.add("date", UserErrorCode.REQUIRED, "Tanggal prestasi wajib diisi.")
        elif "date" not in broken:
            values["date"] = data.date
    return given_persons, broken


async def _check_category(problems: Problems, data: AchievementData, values: dict[str, Any]) -> None:
    category = await Category.filter(id=data.category_id).first() if data.category_id is not None else None
    if category is None:
        problems.add("categoryId", UserErrorCode.NOT_FOUND if data.category_id else UserErrorCode.REQUIRED,
                     "Kategori tidak ditemukan; pilih salah satu kategori yang tersedia.")
    else:
        values["category_id"] = category.id
        values["category_root_id"] = category.parent_id or category.id


async def _check_institution(
    problems: Problems, actor: Actor, data: AchievementData, p: set[str], current: Achievement | None,
    values: dict[str, Any],
) -> Institution | None:
    """The owning institution: the one given (in the actor's scope) or the current one."""
    institution = None
    if "institution_id" in p:
        institution = await Institution.filter(id=data.institution_id).first() if data.institution_id else None
        if institution is None and not data.institution_id:
            problems.add("institutionId", UserErrorCode.REQUIRED, "Instansi pemilik prestasi wajib dipilih.")
        elif institution is None:
            problems.add("institutionId", UserErrorCode.NOT_FOUND, "Instansi tidak ditemukan.")
        elif not can_act_for(actor, institution):
            raise Forbidden("Anda hanya dapat mencatat prestasi untuk instansi Anda dan instansi di bawahnya.")
        else:
            values["institution_id"] = institution.id
            values["institution_kind"] = institution.kind
    elif current is not None:
        institution = await Institution.get(id=current.institution_id)
    return institution


async def _check_region(
    problems: Problems, data: AchievementData, p: set[str], current: Achievement | None, institution: Institution,
    values: dict[str, Any],
) -> None:
    kec_id = data.kecamatan_id if "kecamatan_id" in p else (current.kecamatan_id if current else None)
    desa_id = data.desa_id if "desa_id" in p else (current.desa_id if current else None)
    if kec_id is None and desa_id is None:
        kec_id, desa_id = institution.kecamatan_id, institution.desa_id
    kecamatan, desa = await resolve_region(problems, kec_id, desa_id)
    values["kecamatan_id"] = kecamatan.id if kecamatan else None
    values["desa_id"] = desa.id if desa else None


async def _check_persons(problems: Problems, actor: Actor, person_ids: list[int], institution: Institution | None) -> None:
    """The persons exist and belong to the owning institution (or to none)."""
    persons = await Person.filter(id__in=person_ids)
    # Persons of institutions the actor may not act for are "not found", as a made-up id is: the answer must
    # not tell that they exist, let alone their names or initials.
    other_ids = {x.institution_id for x in persons} - {None}
    others = {i.id: i for i in await Institution.filter(id__in=other_ids)} if other_ids else {}
    persons = [x for x in persons if x.institution_id is None
               or (x.institution_id in others and can_act_for(actor, others[x.institution_id]))]
    found = {x.id for x in persons}
    if len(found) != len(person_ids):
        problems.add("personIds", UserErrorCode.NOT_FOUND, "Sebagian orang yang dipilih tidak ditemukan.")
    elif institution is not None:
        foreign = [x for x in persons if x.institution_id not in (None, institution.id)]
        if foreign:
            names = await _names_for(actor, foreign)
            problems.add(
                "personIds", UserErrorCode.INVALID,
                f"{', '.join(sorted(names))} tidak terdaftar di {institution.name}; "
                "pilih orang dari instansi ini atau daftarkan orangnya terlebih dahulu.",
            )


def _check_urls(problems: Problems, given: list[str]) -> list[str]:
    urls = []
    for raw in given:
        url = clean(raw)
        if not url:
            continue
        if not valid_http_url(url):
            problems.add("evidenceUrls", UserErrorCode.INVALID,
                         f"Tautan bukti '{url[:80]}' tidak valid; gunakan alamat yang diawali http:// atau https://.")
            break
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_EVIDENCE_URLS:
        problems.add("evidenceUrls", UserErrorCode.TOO_LARGE, f"Paling banyak {MAX_EVIDENCE_URLS} tautan bukti.")
    return urls


async def _names_for(actor: Actor, persons: list[Person]) -> list[str]:
    """Names as the actor may read them: persons of other institutions appear as initials unless consented."""
    paths = dict(await Institution.filter(
        id__in=[p.institution_id for p in persons if p.institution_id is not None]
    ).values_list("id", "path"))
    return [public_person_name(actor, p, paths.get(p.institution_id)) for p in persons]


# The input field of createAchievement / updateAchievement each rule of check_achievement is about.
_BREACH_FIELD = {"date": "date", "rank_label": "rankLabel", "persons": "personIds"}


def _field(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.capitalize() for w in rest)


# --- writes ---------------------------------------------------------------------------------------

async def create_achievement(actor: Actor, data: AchievementData) -> Achievement:
    values, person_ids, urls = await _validate(actor, data, None)
    async with in_transaction() as conn:
        achievement = await Achievement.create(
            **values, status=AchievementStatus.DRAFT, created_by_id=actor.user_id, using_db=conn
        )
        if person_ids:
            await AchievementPerson.bulk_create(
                [AchievementPerson(achievement_id=achievement.id, person_id=pid) for pid in person_ids], using_db=conn
            )
        if urls:
            await Evidence.bulk_create(
                [Evidence(achievement_id=achievement.id, kind=EvidenceKind.URL, url=u, uploaded_by_id=actor.user_id)
                 for u in urls],
                using_db=conn,
            )
        await audit.record(
            actor, "achievement.create", "Achievement", achievement.id,
            after={**audit.snapshot(achievement, AUDIT_FIELDS), "person_ids": person_ids or [], "evidence_urls": urls or []},
            connection=conn,
        )
        await followups.achievement_created(achievement, conn)
    return achievement


async def _load_for_write(actor: Actor, achievement_id: int) -> tuple[Achievement, Institution]:
    achievement = await get_visible(actor, achievement_id)
    if achievement is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Prestasi tidak ditemukan.")
    institution = await Institution.get(id=achievement.institution_id)
    return achievement, institution


def _transition_error(achievement: Achievement, action: str) -> UserInputError:
    return UserInputError.one(
        None, UserErrorCode.INVALID_TRANSITION,
        f"Prestasi berstatus {STATUS_LABEL[AchievementStatus(achievement.status)]} tidak dapat {action}.",
    )


async def _conditional_update(
    conn: Any, achievement: Achievement, allowed: tuple[AchievementStatus, ...], values: dict[str, Any],
    updated_at: dt.datetime | None = None,
) -> bool:
    """UPDATE … WHERE id AND version AND status: a concurrent change makes it touch no row."""
    n = await Achievement.filter(id=achievement.id, version=achievement.version, status__in=allowed).using_db(
        conn
    ).update(**values, version=F("version") + 1, updated_at=updated_at or now())
    return n == 1


def _as_updated(achievement: Achievement, values: dict[str, Any], updated_at: dt.datetime) -> Achievement:
    """The row as the guarded UPDATE left it (the same values, the next version), without reading it back."""
    updated = copy.copy(achievement)
    for name, value in values.items():
        setattr(updated, name, value)
    updated.version = achievement.version + 1
    updated.updated_at = updated_at
    return updated


async def update_achievement(actor: Actor, achievement_id: int, data: AchievementData) -> Achievement:
    achievement, institution = await _load_for_write(actor, achievement_id)
    if not can_act_for(actor, institution):
        raise Forbidden("Anda hanya dapat mengubah prestasi instansi Anda dan instansi di bawahnya.")
    allowed = tuple(AchievementStatus) if actor.can_manage else EDITABLE
    if achievement.status not in allowed:
        raise _transition_error(achievement, "diubah; hanya draf atau yang ditolak yang dapat diubah")
    values, person_ids, urls = await _validate(actor, data, achievement)
    before = audit.snapshot(achievement, AUDIT_FIELDS)
    async with in_transaction() as conn:
        if not await _conditional_update(conn, achievement, allowed, values):
            raise UserInputError.one(
                None, UserErrorCode.VERSION_CONFLICT,
                "Prestasi ini baru saja diubah oleh pengguna lain. Muat ulang lalu ulangi perubahan Anda.",
            )
        if person_ids is not None and "person_ids" in data.present:
            await AchievementPerson.filter(achievement_id=achievement.id).using_db(conn).delete()
            if person_ids:
                await AchievementPerson.bulk_create(
                    [AchievementPerson(achievement_id=achievement.id, person_id=pid) for pid in person_ids],
                    using_db=conn,
                )
        if urls is not None:
            await Evidence.filter(achievement_id=achievement.id, kind=EvidenceKind.URL).using_db(conn).delete()
            if urls:
                await Evidence.bulk_create(
                    [Evidence(achievement_id=achievement.id, kind=EvidenceKind.URL, url=u,
                              uploaded_by_id=actor.user_id) for u in urls],
                    using_db=conn,
                )
        updated = await Achievement.get(id=achievement.id, using_db=conn)
        after = audit.snapshot(updated, AUDIT_FIELDS)
        if person_ids is not None:
            after["person_ids"] = person_ids
        if urls is not None:
            after["evidence_urls"] = urls
        await audit.record(actor, "achievement.update", "Achievement", achievement.id,
                           before=before, after=after, connection=conn)
        await followups.achievement_edited(updated, achievement, conn)
    return updated


async def submit_achievement(actor: Actor, achievement_id: int) -> Achievement:
    achievement, institution = await _load_for_write(actor, achievement_id)
    if not can_act_for(actor, institution):
        raise Forbidden("Anda hanya dapat mengajukan prestasi instansi Anda dan instansi di bawahnya.")
    if achievement.status not in SUBMITTABLE:
        raise _transition_error(achievement, "diajukan")
    if not await Evidence.filter(achievement_id=achievement.id).exists():
        raise UserInputError.one(
            "evidence", UserErrorCode.REQUIRED,
            "Lampirkan minimal satu bukti (berkas piagam/sertifikat atau tautan) sebelum mengajukan prestasi.",
        )
    return await _transition(
        actor, achievement, SUBMITTABLE, AchievementStatus.SUBMITTED, "achievement.submit",
        {"submitted_at": now(), "rejection_reason": None}, "diajukan",
        lambda updated, conn: followups.achievement_submitted(updated, achievement, conn),
    )


async def verify_achievement(actor: Actor, achievement_id: int) -> Achievement:
    achievement, _ = await _load_for_write(actor, achievement_id)
    _require_verifier(actor)
    if achievement.status != AchievementStatus.SUBMITTED:
        raise _transition_error(achievement, "diverifikasi; hanya prestasi yang diajukan yang dapat diverifikasi")
    return await _transition(
        actor, achievement, (AchievementStatus.SUBMITTED,), AchievementStatus.VERIFIED, "achievement.verify",
        {"verified_at": now()}, "diverifikasi",
        lambda updated, conn: followups.achievement_verified(updated, achievement, actor, conn),
    )


async def reject_achievement(actor: Actor, achievement_id: int, reason: str) -> Achievement:
    achievement, _ = await _load_for_write(actor, achievement_id)
    _require_verifier(actor)
    problems = Problems()
    reason_clean = required_text(problems, "reason", "Alasan penolakan", reason, 2000)
    problems.raise_if_any()
    if achievement.status != AchievementStatus.SUBMITTED:
        raise _transition_error(achievement, "ditolak; hanya prestasi yang diajukan yang dapat ditolak")
    return await _transition(
        actor, achievement, (AchievementStatus.SUBMITTED,), AchievementStatus.REJECTED, "achievement.reject",
        {"rejection_reason": reason_clean}, "ditolak",
        lambda updated, conn: followups.achievement_rejected(updated, achievement, conn),
    )


async def withdraw_verification(actor: Actor, achievement_id: int, reason: str) -> Achievement:
    """VERIFIED → REJECTED with a reason: the institution corrects and resubmits; releases are flagged."""
    achievement, _ = await _load_for_write(actor, achievement_id)
    _require_verifier(actor)
    problems = Problems()
    reason_clean = required_text(problems, "reason", "Alasan pencabutan verifikasi", reason, 2000)
    problems.raise_if_any()
    if achievement.status != AchievementStatus.VERIFIED:
        raise _transition_error(achievement, "dicabut verifikasinya; hanya prestasi terverifikasi")
    return await _transition(
        actor, achievement, (AchievementStatus.VERIFIED,), AchievementStatus.REJECTED,
        "achievement.withdraw_verification", {"rejection_reason": reason_clean, "verified_at": None},
        "dicabut verifikasinya",
        lambda updated, conn: followups.verification_withdrawn(updated, achievement, actor, conn),
    )


def _require_verifier(actor: Actor) -> None:
    if not actor.can_verify:
        raise Forbidden("Hanya verifikator atau administrator yang dapat memverifikasi prestasi.")


async def _transition(
    actor: Actor,
    achievement: Achievement,
    allowed: tuple[AchievementStatus, ...],
    target: AchievementStatus,
    action: str,
    extra: dict[str, Any],
    verb: str,
    then: Callable[[Achievement, Any], Awaitable[None]],
) -> Achievement:
    """One status change: the guarded UPDATE, its audit event and `then`, the step's named follow-up
    (service/followups.py), all in one transaction."""
    before = audit.snapshot(achievement, AUDIT_FIELDS)
    values = {"status": target, **extra}
    stamp = now()
    async with in_transaction() as conn:
        if not await _conditional_update(conn, achievement, allowed, values, stamp):
            current = await Achievement.get(id=achievement.id, using_db=conn)
            raise _transition_error(current, verb)
        # The row matched id, version and status, so it is `achievement` with these values: not read back.
        updated = _as_updated(achievement, values, stamp)
        await audit.record(actor, action, "Achievement", achievement.id,
                           before=before, after=audit.snapshot(updated, AUDIT_FIELDS), connection=conn)
        await then(updated, conn)
    return updated
