"""GraphQL inputs of institutions, categories and persons."""

import datetime as dt

import strawberry

from schema.directory.types import ConsentGiverEnum, InstitutionKindEnum, PersonRoleEnum
from service.persons import GUARDIAN_CONSENT_TEXT


@strawberry.input
class InstitutionFilter:
    kind: InstitutionKindEnum | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    search: str | None = strawberry.UNSET
    within: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="This institution and every one below it (Institution.parent), at any depth: for a "
                    "CONTRIBUTOR's own institution, the ones it may enter achievements for.",
    )


@strawberry.input
class PersonFilter:
    institution_id: strawberry.ID | None = strawberry.UNSET
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
    publication_consent: bool = strawberry.field(description=GUARDIAN_CONSENT_TEXT)
    institution_id: strawberry.ID | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    nik: str | None = strawberry.UNSET
    birth_date: dt.date | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    role: PersonRoleEnum | None = strawberry.field(
        default=strawberry.UNSET, description="Default: SISWA for a person of a SEKOLAH, else WARGA."
    )
    consent_given_by: ConsentGiverEnum | None = strawberry.field(
        default=strawberry.UNSET,
        description="Who agreed (when publicationConsent is true). Default: GUARDIAN for a minor, SELF otherwise. "
        + GUARDIAN_CONSENT_TEXT,
    )


@strawberry.input(description="Every field of CreatePersonInput, all optional: only the fields sent change. "
                  "A request naming neither publicationConsent nor consentGivenBy changes no consent.")
class UpdatePersonInput:
    name: str | None = strawberry.UNSET
    publication_consent: bool | None = strawberry.field(default=strawberry.UNSET,
                                                        description=GUARDIAN_CONSENT_TEXT)
    institution_id: strawberry.ID | None = strawberry.UNSET
    kecamatan_id: strawberry.ID | None = strawberry.UNSET
    desa_id: strawberry.ID | None = strawberry.UNSET
    nik: str | None = strawberry.UNSET
    birth_date: dt.date | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    role: PersonRoleEnum | None = strawberry.field(
        default=strawberry.UNSET, description="null: back to the default (SISWA for a SEKOLAH, else WARGA)."
    )
    consent_given_by: ConsentGiverEnum | None = strawberry.field(
        default=strawberry.UNSET,
        description="Who agreed. Default: GUARDIAN for a minor, SELF otherwise. " + GUARDIAN_CONSENT_TEXT,
    )
