"""GraphQL types of categories, institutions and persons."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.ids import encode_id
from schema.node import Node
from schema.regions.types import DesaType, KecamatanType, load_desa, load_kecamatan
from service import directory, nik, persons
from service.enums import ConsentGiver, InstitutionKind, PersonRole
from service.models import Category, Institution, Person

InstitutionKindEnum = strawberry.enum(InstitutionKind, name="InstitutionKind")
PersonRoleEnum = strawberry.enum(
    PersonRole, name="PersonRole",
    description="How drafts speak of a person: SISWA a pupil (SD to SMA/SMK, MI to MA), MAHASISWA a university "
    "student, GURU a teacher or lecturer, PEGAWAI staff of an institution, ATLET an athlete competing for a club "
    "or the regency, WARGA a resident competing on their own, LAINNYA anyone else.",
)
ConsentGiverEnum = strawberry.enum(
    ConsentGiver, name="ConsentGiver",
    description="Who agreed to publishing the name: SELF the person, GUARDIAN a parent or guardian of a minor. "
    + persons.GUARDIAN_CONSENT_TEXT,
)


@strawberry.type(name="Category", description="A field of achievement; a tree of two levels.")
class CategoryType(Node):
    id: strawberry.ID
    slug: str
    name: str
    _pk: strawberry.Private[int]
    _parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Category) -> CategoryType:
        return cls(
            id=strawberry.ID(encode_id("Category", row.id)), slug=row.slug, name=row.name, _pk=row.id,
            _parent_id=row.parent_id,  # type: ignore[attr-defined]
        )

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> CategoryType | None:
        if self._parent_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self._parent_id)
        return CategoryType.from_row(row) if row else None

    @strawberry.field
    async def children(self, info: strawberry.Info) -> list[CategoryType]:
        return [CategoryType.from_row(r) for r in await info.context.loaders.categories_by_parent_id.load(self._pk)]


@strawberry.type(name="Institution", description="A school, village government, kecamatan office, agency or other body.")
class InstitutionType(Node):
    id: strawberry.ID
    name: str
    kind: InstitutionKindEnum
    _pk: strawberry.Private[int]
    _kecamatan_id: strawberry.Private[int | None]
    _desa_id: strawberry.Private[int | None]
    _parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Institution) -> InstitutionType:
        return cls(
            id=strawberry.ID(encode_id("Institution", row.id)), name=row.name, kind=row.kind, _pk=row.id,
            _kecamatan_id=row.kecamatan_id, _desa_id=row.desa_id, _parent_id=row.parent_id,  # type: ignore[attr-defined]
        )

    @strawberry.field
    async def kecamatan(self, info: strawberry.Info) -> KecamatanType | None:
        return await load_kecamatan(info, self._kecamatan_id)

    @strawberry.field
    async def desa(self, info: strawberry.Info) -> DesaType | None:
        return await load_desa(info, self._desa_id)

    @strawberry.field
    async def parent(self, info: strawberry.Info) -> InstitutionType | None:
        return await load_institution(info, self._parent_id)

    @strawberry.field
    async def children(self, info: strawberry.Info) -> list[InstitutionType]:
        rows = await info.context.loaders.institutions_by_parent_id.load(self._pk)
        return [InstitutionType.from_row(r) for r in rows]


async def load_institution(info: strawberry.Info, pk: int | None) -> InstitutionType | None:
    if pk is None:
        return None
    row = await info.context.loaders.institution_by_id.load(pk)
    return InstitutionType.from_row(row) if row else None


@strawberry.type(
    name="Person",
    description="A person who achieved. The full name reaches the public only with publicationConsent; "
    "otherwise `name` gives the initials. NIK, birth date and phone are shown only to staff and the "
    "person's own institution.",
)
class PersonType(Node):
    id: strawberry.ID
    publication_consent: bool
    _row: strawberry.Private[Person]

    @classmethod
    def from_row(cls, row: Person) -> PersonType:
        return cls(
            id=strawberry.ID(encode_id("Person", row.id)), publication_consent=row.publication_consent, _row=row
        )

    async def _path(self, info: strawberry.Info) -> str | None:
        iid = self._row.institution_id  # type: ignore[attr-defined]
        if iid is None:
            return None
        inst = await info.context.loaders.institution_by_id.load(iid)
        return inst.path if inst else None

    @strawberry.field(description="How drafts speak of the person.")
    def role(self) -> PersonRoleEnum:
        return PersonRole(self._row.role)

    @strawberry.field(description="Under 18 today; true when the birth date is unknown and role is SISWA.")
    def is_minor(self) -> bool:
        return persons.is_minor(self._row)

    @strawberry.field(description="Who agreed to publishing the name; null while publicationConsent is false. "
                      + persons.GUARDIAN_CONSENT_TEXT)
    def consent_given_by(self) -> ConsentGiverEnum | None:
        giver = self._row.consent_given_by if self._row.publication_consent else None
        return ConsentGiver(giver) if giver else None

    @strawberry.field(description="When the consent (or its withdrawal) was recorded.")
    def consent_recorded_at(self) -> dt.datetime | None:
        return self._row.consent_recorded_at

    @strawberry.field
    def name(self, info: strawberry.Info) -> str:
        actor = info.context.actor
        if persons.name_is_public(self._row) or (actor is not None and actor.can_see_everything):
            return self._row.name
        if actor is None:
            # Nobody without an account sees a name without consent: no need to look up the institution.
            return directory.public_person_name(None, self._row, None)
        return self._masked_name(info)  # type: ignore[return-value]

    async def _masked_name(self, info: strawberry.Info) -> str:
        return directory.public_person_name(info.context.actor, self._row, await self._path(info))

    @strawberry.field
    async def institution(self, info: strawberry.Info) -> InstitutionType | None:
        return await load_institution(info, self._row.institution_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def kecamatan(self, info: strawberry.Info) -> KecamatanType | None:
        return await load_kecamatan(info, self._row.kecamatan_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def desa(self, info: strawberry.Info) -> DesaType | None:
        return await load_desa(info, self._row.desa_id)  # type: ignore[attr-defined]

    async def _private(self, info: strawberry.Info, field: str, value):
        if value is None:
            return None
        if directory.can_see_private(info.context.actor, self._row, await self._path(info)):
            await info.context.loaders.personal_data_read.load((self._row.id, field))
            return value
        return None

    @strawberry.field(description="NIK (16 digits); null unless the caller may see personal data.")
    async def nik(self, info: strawberry.Info) -> str | None:
        if not self._row.nik_encrypted:
            return None
        if not directory.can_see_private(info.context.actor, self._row, await self._path(info)):
            return None
        return await self._private(info, "nik", nik.read_nik(self._row))

    @strawberry.field(description="Birth date; null unless the caller may see personal data.")
    async def birth_date(self, info: strawberry.Info) -> dt.date | None:
        return await self._private(info, "birthDate", self._row.birth_date)

    @strawberry.field(description="Phone; null unless the caller may see personal data.")
    async def phone(self, info: strawberry.Info) -> str | None:
        return await self._private(info, "phone", self._row.phone)
