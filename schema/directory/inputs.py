"""GraphQL inputs of institutions, categories and persons."""

import datetime as dt

import strawberry

from schema.directory.types import InstitutionKindEnum


@strawberry.input
class InstitutionFilter:
    kind: InstitutionKindEnum | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    search: str | None = strawberry.UNSET


@strawberry.input
class CreateInstitutionInput:
    name: str
    kind: InstitutionKindEnum
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateCategoryInput:
    name: str
    parent_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreatePersonInput:
    name: str
    publication_consent: bool
    institution_id: strawberry.ID | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    nik: str | None = strawberry.UNSET
    birth_date: dt.date | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
