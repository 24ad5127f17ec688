"""GraphQL inputs of institutions, categories and persons."""

import datetime as dt

import strawberry

from schema.directory.types import InstitutionKindEnum


@strawberry.input
class InstitutionFilter:
    kind: InstitutionKindEnum | None = None
    kecamatan_id: strawberry.ID | None = None
    search: str | None = None


@strawberry.input
class CreateInstitutionInput:
    name: str
    kind: InstitutionKindEnum
    kecamatan_id: strawberry.ID | None = None
    desa_id: strawberry.ID | None = None
    parent_id: strawberry.ID | None = None


@strawberry.input
class CreateCategoryInput:
    name: str
    parent_id: strawberry.ID | None = None


@strawberry.input
class CreatePersonInput:
    name: str
    publication_consent: bool
    institution_id: strawberry.ID | None = None
    kecamatan_id: strawberry.ID | None = None
    desa_id: strawberry.ID | None = None
    nik: str | None = None
    birth_date: dt.date | None = None
    phone: str | None = None
