"""Mutations creating institutions, categories and persons."""

import strawberry

from schema.directory.inputs import CreateCategoryInput, CreateInstitutionInput, CreatePersonInput
from schema.directory.types import CategoryType, InstitutionType, PersonType
from schema.errors import UserError, run_mutation
from schema.ids import decode_id, given
from schema.permissions import GATE
from service import directory
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
