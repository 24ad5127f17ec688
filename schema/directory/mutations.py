"""Mutations creating institutions, categories and persons."""

import strawberry

from schema.directory.inputs import (
    CreateCategoryInput,
    CreateInstitutionInput,
    CreatePersonInput,
    UpdatePersonInput,
)
from schema.directory.types import CategoryType, InstitutionType, PersonType
from schema.errors import UserError, run_mutation
from schema.ids import decode_id, given
from schema.permissions import GATE
from service import directory, erasure
from service.enums import ConsentGiver, InstitutionKind, PersonRole


@strawberry.type
class InstitutionPayload:
    institution: InstitutionType | None
    errors: list[UserError]


@strawberry.type
class CategoryPayload:
    category: CategoryType | None
    errors: list[UserError]


@strawberry.type
class PersonPayload:
    person: PersonType | None
    errors: list[UserError]


@strawberry.type
class DirectoryMutations:
    @strawberry.mutation(permission_classes=GATE)
    async def create_institution(self, info: strawberry.Info, input: CreateInstitutionInput) -> InstitutionPayload:  # noqa: A002
        async def call():
            return await directory.create_institution(
                info.context.actor, name=input.name, kind=InstitutionKind(input.kind),
                kecamatan_id=decode_id(input.kecamatan_id, "Kecamatan", "kecamatanId"),
                desa_id=decode_id(input.desa_id, "Desa", "desaId"),
                parent_id=decode_id(input.parent_id, "Institution", "parentId"),
            )

        row, errors = await run_mutation(info, call)
        return InstitutionPayload(institution=InstitutionType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE)
    async def create_category(self, info: strawberry.Info, input: CreateCategoryInput) -> CategoryPayload:  # noqa: A002
        async def call():
            return await directory.create_category(
                info.context.actor, name=input.name, parent_id=decode_id(input.parent_id, "Category", "parentId")
            )

        row, errors = await run_mutation(info, call)
        return CategoryPayload(category=CategoryType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE)
    async def create_person(self, info: strawberry.Info, input: CreatePersonInput) -> PersonPayload:  # noqa: A002
        async def call():
            return await directory.create_person(
                info.context.actor, name=input.name, publication_consent=input.publication_consent,
                institution_id=decode_id(input.institution_id, "Institution", "institutionId"),
                kecamatan_id=decode_id(input.kecamatan_id, "Kecamatan", "kecamatanId"),
                desa_id=decode_id(input.desa_id, "Desa", "desaId"),
                nik=given(input.nik), birth_date=given(input.birth_date), phone=given(input.phone),
                role=PersonRole(input.role) if given(input.role) else None,
                consent_given_by=ConsentGiver(input.consent_given_by) if given(input.consent_given_by) else None,
            )

        row, errors = await run_mutation(info, call)
        return PersonPayload(person=PersonType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE, description="Correct a person; only the fields sent change.")
    async def update_person(self, info: strawberry.Info, id: strawberry.ID, input: UpdatePersonInput) -> PersonPayload:  # noqa: A002
        async def call():
            pk = decode_id(id, "Person", "id")
            changes: dict = {}
            plain = {"name": "name", "publication_consent": "publication_consent", "nik": "nik",
                     "birth_date": "birth_date", "phone": "phone"}
            for attr, key in plain.items():
                value = getattr(input, attr)
                if value is not strawberry.UNSET:
                    changes[key] = value
            if input.publication_consent is None:
                changes.pop("publication_consent", None)
            for attr, type_name, field_name in (("institution_id", "Institution", "institutionId"),
                                                ("kecamatan_id", "Kecamatan", "kecamatanId"),
                                                ("desa_id", "Desa", "desaId")):
                value = getattr(input, attr)
                if value is not strawberry.UNSET:
                    changes[attr] = decode_id(value, type_name, field_name)
            if input.role is not strawberry.UNSET:
                changes["role"] = PersonRole(input.role) if input.role else None
            if input.consent_given_by is not strawberry.UNSET:
                changes["consent_given_by"] = ConsentGiver(input.consent_given_by) if input.consent_given_by else None
            return await directory.update_person(info.context.actor, pk, changes)

        row, errors = await run_mutation(info, call)
        return PersonPayload(person=PersonType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(permission_classes=GATE, description="Erase a person's name, NIK, birth date and phone "
                         "on their request (UU No. 27/2022); their achievements stay, counted, as \"(nama dihapus)\".")
    async def erase_person(self, info: strawberry.Info, id: strawberry.ID, reason: str) -> PersonPayload:  # noqa: A002
        async def call():
            return await erasure.erase_person(info.context.actor, decode_id(id, "Person", "id"), reason)

        row, errors = await run_mutation(info, call)
        return PersonPayload(person=PersonType.from_row(row) if row else None, errors=errors)
