"""Institutions, persons and categories: who achieves, and in which field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from tortoise.transactions import in_transaction

from service import audit, persons
from service.enums import ConsentGiver, InstitutionKind, PersonRole
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import Category, Desa, Institution, Kecamatan, Person
from service.nik import nik_columns
from service.security import Actor
from service.text import clean, initials, required_text, today_wib


def slugify(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", norm).strip("-") or "kategori"


def can_act_for(actor: Actor | None, institution: Institution) -> bool:
    """ADMIN acts everywhere; a CONTRIBUTOR for its own institution and those below it."""
    if actor is None:
        return False
    if actor.can_manage:
        return True
    return actor.covers_path(institution.path)


async def within_institution(qs, institution_id: int):
    """The institutions of `qs` in the subtree of one institution (itself included): those its contributors
    act for (`can_act_for`). An unknown institution has an empty subtree."""
    root = await Institution.filter(id=institution_id).only("id", "path").first()
    if root is None:
        return qs.filter(id__in=[])
    if root.path in ("", "/"):  # a path never set: no subtree to speak of
        return qs.filter(id=root.id)
    return qs.filter(path__startswith=root.path)


def can_see_private(actor: Actor | None, person: Person, institution_path: str | None) -> bool:
    """NIK, birth date and phone: staff and the person's own institution (or those above it)."""
    if actor is None:
        return False
    if actor.can_see_everything:
        return True
    return actor.covers_path(institution_path)


def public_person_name(actor: Actor | None, person: Person, institution_path: str | None) -> str:
    """The full name only with publication consent, unless the caller is staff or the own institution."""
    if person.name == persons.ERASED_NAME:
        return person.name
    if persons.name_is_public(person) or can_see_private(actor, person, institution_path):
        return person.name
    return initials(person.name)


async def resolve_region(
    problems: Problems, kecamatan_id: int | None, desa_id: int | None, *, field_prefix: str = ""
) -> tuple[Kecamatan | None, Desa | None]:
    kecamatan = desa = None
    if kecamatan_id is not None:
        kecamatan = await Kecamatan.filter(id=kecamatan_id).first()
        if kecamatan is None:
            problems.add(f"{field_prefix}kecamatanId", UserErrorCode.NOT_FOUND, "Kecamatan tidak ditemukan.")
    if desa_id is not None:
        desa = await Desa.filter(id=desa_id).first()
        if desa is None:
            problems.add(f"{field_prefix}desaId", UserErrorCode.NOT_FOUND, "Desa/kelurahan tidak ditemukan.")
        elif kecamatan is not None and desa.kecamatan_id != kecamatan.id:
            problems.add(
                f"{field_prefix}desaId", UserErrorCode.INVALID,
                f"Desa/kelurahan {desa.name} tidak berada di Kecamatan {kecamatan.name}.",
            )
        elif kecamatan is None and kecamatan_id is None:
            kecamatan = await Kecamatan.get(id=desa.kecamatan_id)
    return kecamatan, desa


async def create_institution(
    actor: Actor,
    *,
    name: str,
    kind: InstitutionKind,
    kecamatan_id: int | None = None,
    desa_id: int | None = None,
    parent_id: int | None = None,
) -> Institution:
    if not actor.can_manage:
        raise Forbidden()
    problems = Problems()
    name_clean = required_text(problems, "name", "Nama instansi", name, 200)
    kecamatan, desa = await resolve_region(problems, kecamatan_id, desa_id)
    parent = None
    if parent_id is not None:
        parent = await Institution.filter(id=parent_id).first()
        if parent is None:
            problems.add("parentId", UserErrorCode.NOT_FOUND, "Instansi induk tidak ditemukan.")
    if name_clean and await Institution.filter(name=name_clean, parent_id=parent_id).exists():
        problems.add("name", UserErrorCode.DUPLICATE, f"Instansi '{name_clean}' sudah terdaftar.")
    problems.raise_if_any()
    async with in_transaction() as conn:
        inst = await Institution.create(
            name=name_clean, kind=kind, kecamatan=kecamatan, desa=desa, parent=parent, path="/", using_db=conn
        )
        inst.path = f"{parent.path if parent else '/'}{inst.id}/"
        await Institution.filter(id=inst.id).using_db(conn).update(path=inst.path)
        await audit.record(
            actor, "institution.create", "Institution", inst.id,
            after={"name": inst.name, "kind": kind, "kecamatanId": kecamatan_id, "desaId": desa_id,
                   "parentId": parent_id},
            connection=conn,
        )
    return inst


async def create_category(actor: Actor, *, name: str, parent_id: int | None = None) -> Category:
    if not actor.can_manage:
        raise Forbidden()
    problems = Problems()
    name_clean = required_text(problems, "name", "Nama kategori", name, 120)
    parent = None
    if parent_id is not None:
        parent = await Category.filter(id=parent_id).first()
        if parent is None:
            problems.add("parentId", UserErrorCode.NOT_FOUND, "Kategori induk tidak ditemukan.")
        elif parent.parent_id is not None:
            problems.add("parentId", UserErrorCode.INVALID, "Kategori hanya boleh dua tingkat: pilih kategori utama.")
    slug = None
    if name_clean:
        slug = slugify(name_clean)
        if await Category.filter(name=name_clean, parent_id=parent_id).exists():
            problems.add("name", UserErrorCode.DUPLICATE, f"Kategori '{name_clean}' sudah ada.")
        elif await Category.filter(slug=slug).exists():
            slug = slugify(f"{parent.slug if parent else ''} {name_clean}")
            if await Category.filter(slug=slug).exists():
                problems.add("name", UserErrorCode.DUPLICATE, f"Kategori '{name_clean}' sudah ada.")
    problems.raise_if_any()
    async with in_transaction() as conn:
        order = await Category.filter(parent_id=parent_id).using_db(conn).count()
        cat = await Category.create(name=name_clean, slug=slug, parent=parent, sort_order=order, using_db=conn)
        await audit.record(
            actor, "category.create", "Category", cat.id,
            after={"name": cat.name, "slug": slug, "parentId": parent_id}, connection=conn,
        )
    return cat


def person_registry(actor: Actor | None, institution_id: int | None = None, search: str | None = None):
    """The persons an actor may pick for an achievement: staff see all; a contributor those of its scope."""
    qs = Person.all()
    if actor is None:
        return qs.filter(id__in=[])  # nobody (Tortoise's QuerySet has no none())
    if not actor.can_see_everything:
        if not actor.institution_path:
            return qs.filter(id__in=[])
        qs = qs.filter(institution__path__startswith=actor.institution_path)
    if institution_id is not None:
        qs = qs.filter(institution_id=institution_id)
    if search:
        qs = qs.filter(name__icontains=search[:200])
    return qs


async def create_person(
    actor: Actor,
    *,
    name: str,
    publication_consent: bool,
    institution_id: int | None = None,
    kecamatan_id: int | None = None,
    desa_id: int | None = None,
    nik: str | None = None,
    birth_date=None,
    phone: str | None = None,
    role: PersonRole | None = None,
    consent_given_by: ConsentGiver | None = None,
) -> Person:
    problems = Problems()
    name_clean = required_text(problems, "name", "Nama", name, 200)
    institution = None
    if institution_id is not None:
        institution = await Institution.filter(id=institution_id).first()
        if institution is None:
            problems.add("institutionId", UserErrorCode.NOT_FOUND, "Instansi tidak ditemukan.")
        elif not can_act_for(actor, institution):
            raise Forbidden("Anda hanya dapat mendaftarkan orang untuk instansi Anda sendiri.")
    elif not actor.can_manage:
        problems.add("institutionId", UserErrorCode.REQUIRED, "Pilih instansi tempat orang ini terdaftar.")
    kecamatan, desa = await resolve_region(problems, kecamatan_id, desa_id)
    nik_clean = _valid_nik(problems, nik)
    await _nik_taken(problems, nik_clean)
    _valid_birth_date(problems, birth_date)
    phone_clean = _valid_phone(problems, phone)
    role = role or persons.default_role(institution.kind if institution else None)
    minor = persons.is_minor_on(birth_date, role, today_wib())
    giver = persons.consent_giver_for(problems, publication_consent, consent_given_by, minor)
    problems.raise_if_any()
    if kecamatan is None and institution is not None:
        kecamatan_id = institution.kecamatan_id
        desa_id = desa_id or institution.desa_id
    async with in_transaction() as conn:
        person = await Person.create(
            name=name_clean,
            institution=institution,
            kecamatan_id=kecamatan.id if kecamatan else kecamatan_id,
            desa_id=desa.id if desa else desa_id,
            publication_consent=publication_consent,
            role=role,
            consent_given_by=giver,
            consent_recorded_at=dt.datetime.now(dt.UTC) if publication_consent else None,
            **nik_columns(nik_clean),
            birth_date=birth_date,
            phone=phone_clean,
            using_db=conn,
        )
        await audit.record(
            actor, "person.create", "Person", person.id,
            after={"institutionId": institution_id, "role": role, "publicationConsent": publication_consent,
                   "consentGivenBy": giver},
            connection=conn,
        )
    return person


PERSON_FIELDS = ("name", "publication_consent", "institution_id", "kecamatan_id", "desa_id", "nik", "birth_date",
                 "phone", "role", "consent_given_by")
_AUDITED = ["name", "institution_id", "kecamatan_id", "desa_id", "role", "publication_consent", "consent_given_by"]


async def update_person(actor: Actor, person_id: int, changes: dict) -> Person:
    """Correct a person: only the fields named in `changes` change; a request naming neither
    publication_consent nor consent_given_by leaves the consent as it is. Withdrawing consent (or renaming)
    regenerates the drafts that speak of the person and flags the published releases that named them."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    person = await Person.filter(id=person_id, erased_at__isnull=True).first()
    if person is None or not await _may_manage(actor, person):
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Orang tidak ditemukan.")
    values = await _person_changes(actor, person, changes)
    was_public = persons.name_is_public(person)
    old_name = person.name
    before = audit.snapshot(person, _AUDITED)
    if "nik" in values:
        values.update(nik_columns(values.pop("nik")))
    async with in_transaction() as conn:
        if values:
            await Person.filter(id=person.id).using_db(conn).update(**values)
        person = await Person.get(id=person.id, using_db=conn)
        now_public = persons.name_is_public(person)
        changed_fields = sorted(k for k in changes if k in values or k == "nik")
        await audit.record(
            actor, "person.update", "Person", person.id,
            before={k: v for k, v in before.items() if k in values},
            after={**{k: v for k, v in audit.snapshot(person, _AUDITED).items() if k in values},
                   "changedFields": changed_fields},
            connection=conn,
        )
        if was_public != now_public or person.name != old_name:
            from service.press.lifecycle import person_changed

            reason = ("Persetujuan publikasi nama telah dicabut; periksa dan koreksi rilis ini."
                      if was_public and not now_public else
                      "Data orang yang disebut dalam rilis ini telah dikoreksi; periksa ulang.")
            hidden = was_public and (not now_public or person.name != old_name)
            await person_changed(
                person.id, actor, conn, reason=reason, old_names=[old_name] if hidden else [],
                replacement=public_person_name(None, person, None) if not now_public else person.name,
            )
    return person


async def _person_changes(actor: Actor, person: Person, changes: dict) -> dict:
    """The column values of an update_person request, each field checked, and the consent rules applied
    to the person as the change would leave it (raises the problems found)."""
    problems = Problems()
    values: dict = {}
    if "name" in changes:
        values["name"] = required_text(problems, "name", "Nama", changes["name"], 200)
    institution = None
    if "institution_id" in changes:
        if changes["institution_id"] is None:
            if not actor.can_manage:
                problems.add("institutionId", UserErrorCode.REQUIRED, "Pilih instansi tempat orang ini terdaftar.")
            values["institution_id"] = None
        else:
            institution = await Institution.filter(id=changes["institution_id"]).first()
            if institution is None:
                problems.add("institutionId", UserErrorCode.NOT_FOUND, "Instansi tidak ditemukan.")
            elif not can_act_for(actor, institution):
                raise Forbidden("Anda hanya dapat memindahkan orang ke instansi Anda sendiri.")
            else:
                values["institution_id"] = institution.id
    if "kecamatan_id" in changes or "desa_id" in changes:
        kec_id = changes.get("kecamatan_id", person.kecamatan_id if "desa_id" not in changes else None)
        kecamatan, desa = await resolve_region(problems, kec_id, changes.get("desa_id"))
        values["kecamatan_id"] = kecamatan.id if kecamatan else None
        values["desa_id"] = desa.id if desa else None
    if "nik" in changes:
        values["nik"] = _valid_nik(problems, changes["nik"])
        await _nik_taken(problems, values["nik"], person.id)
    if "birth_date" in changes:
        values["birth_date"] = _valid_birth_date(problems, changes["birth_date"])
    if "phone" in changes:
        values["phone"] = _valid_phone(problems, changes["phone"])
    if "role" in changes:
        values["role"] = changes["role"] or persons.default_role(
            institution.kind if institution else await _institution_kind(person))
    birth = values.get("birth_date", person.birth_date)
    role = values.get("role", person.role)
    minor = persons.is_minor_on(birth, role, today_wib())
    consent_named = "publication_consent" in changes or "consent_given_by" in changes
    consent = bool(changes.get("publication_consent", person.publication_consent))
    if consent_named:
        given = changes.get("consent_given_by")
        if given is None and consent and person.publication_consent:
            given = person.consent_given_by
        giver = persons.consent_giver_for(problems, consent, given, minor)
        values["publication_consent"] = consent
        values["consent_given_by"] = giver
        if (consent, giver) != (person.publication_consent, person.consent_given_by):
            values["consent_recorded_at"] = dt.datetime.now(dt.UTC)
    elif not persons.consent_is_valid(person.publication_consent, person.consent_given_by, minor):
        problems.add(
            "consentGivenBy", UserErrorCode.INVALID,
            "Dengan perubahan ini orang tersebut tergolong anak: catat persetujuan orang tua/wali (GUARDIAN) "
            "atau cabut persetujuan publikasi.",
        )
    problems.raise_if_any()
    return values


async def _institution_kind(person: Person) -> InstitutionKind | None:
    iid = person.institution_id
    if iid is None:
        return None
    return (await Institution.get(id=iid)).kind


async def _may_manage(actor: Actor, person: Person) -> bool:
    if actor.can_manage:
        return True
    iid = person.institution_id
    if iid is None:
        return False
    inst = await Institution.filter(id=iid).first()
    return inst is not None and can_act_for(actor, inst)


def _valid_nik(problems: Problems, nik: str | None) -> str | None:
    nik_clean = clean(nik)
    if nik_clean and not (len(nik_clean) == 16 and nik_clean.isdigit()):
        problems.add("nik", UserErrorCode.INVALID, "NIK harus terdiri dari 16 angka.")
    return nik_clean


async def _nik_taken(problems: Problems, nik: str | None, person_id: int | None = None) -> None:
    """A NIK names one person: found by its keyed hash, never by the digits."""
    from service.nik import nik_hash

    if not nik or problems.has("nik"):
        return
    qs = Person.filter(nik_hash=nik_hash(nik))
    if person_id is not None:
        qs = qs.exclude(id=person_id)
    if await qs.exists():
        problems.add("nik", UserErrorCode.DUPLICATE, "NIK ini sudah terdaftar untuk orang lain.")


def _valid_birth_date(problems: Problems, birth_date):
    if birth_date is not None and birth_date > today_wib():
        problems.add("birthDate", UserErrorCode.INVALID, "Tanggal lahir tidak boleh di masa depan.")
    return birth_date


def _valid_phone(problems: Problems, phone: str | None) -> str | None:
    phone_clean = clean(phone)
    if phone_clean and not all(c.isdigit() or c in "+- " for c in phone_clean):
        problems.add("phone", UserErrorCode.INVALID, "Nomor telepon hanya boleh berisi angka, spasi, + atau -.")
    return phone_clean


async def category_with_descendants(category_id: int) -> list[int]:
    rows = await Category.all().values_list("id", "parent_id")
    children: dict[int | None, list[int]] = {}
    for cid, pid in rows:
        children.setdefault(pid, []).append(cid)
    out, stack = [], [category_id]
    while stack:
        cid = stack.pop()
        out.append(cid)
        stack.extend(children.get(cid, []))
    return out


async def visible_person(actor: Actor | None, person_id: int) -> Person | None:
    """A person is visible to staff, to its own institution's contributors, and to anyone once it appears
    in a verified achievement (with its name masked without consent)."""
    from service.enums import AchievementStatus
    from service.models import AchievementPerson

    person = await Person.filter(id=person_id).first()
    if person is None:
        return None
    if actor is not None and actor.can_see_everything:
        return person
    if actor is not None and person.institution_id is not None:
        inst = await Institution.get(id=person.institution_id)
        if actor.covers_path(inst.path):
            return person
    public = await AchievementPerson.filter(
        person_id=person_id, achievement__status=AchievementStatus.VERIFIED
    ).exists()
    return person if public else None
