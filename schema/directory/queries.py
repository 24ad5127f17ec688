"""Queries over categories and institutions."""

import strawberry

from schema.directory.inputs import InstitutionFilter, PersonFilter
from schema.directory.types import CategoryType, InstitutionType, PersonType
from schema.ids import decode_id, given
from schema.pagination import Connection, paginate
from schema.permissions import GATE
from service import directory
from service.models import Category, Institution
from service.text import clean


@strawberry.type
class DirectoryQueries:
    @strawberry.field(permission_classes=GATE, description="Top-level categories, each with its children.")
    async def categories(self) -> list[CategoryType]:
        return [CategoryType.from_row(r) for r in await Category.filter(parent_id__isnull=True).order_by("sort_order", "name")]

    @strawberry.field(permission_classes=GATE)
    async def institutions(
        self,
        filter: InstitutionFilter | None = strawberry.UNSET,  # noqa: A002 - contract name
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
    ) -> Connection[InstitutionType]:
        qs = Institution.all()
        if filter:
            if given(filter.kind) is not None:
                qs = qs.filter(kind=filter.kind)
            if given(filter.kecamatan_id) is not None:
                qs = qs.filter(kecamatan_id=decode_id(filter.kecamatan_id, "Kecamatan", "kecamatanId"))
            term = clean(given(filter.search))
            if term:
                qs = qs.filter(name__icontains=term[:200])
            within = given(filter.within)
            if within is not None:
                qs = await directory.within_institution(qs, decode_id(str(within), "Institution", "within"))
        return await paginate(qs.order_by("name", "id"), InstitutionType.from_row,
                              first=first, after=after, last=last, before=before)

    @strawberry.field(permission_classes=GATE, description="The person registry: staff see everyone, a "
                      "CONTRIBUTOR the persons of its own institutions; by name.")
    async def persons(
        self,
        info: strawberry.Info,
        filter: PersonFilter | None = strawberry.UNSET,  # noqa: A002 - like the other lists
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
    ) -> Connection[PersonType]:
        institution_id = None
        term = None
        if filter:
            if given(filter.institution_id) is not None:
                institution_id = decode_id(filter.institution_id, "Institution", "institutionId")
            term = clean(given(filter.search))
        qs = directory.person_registry(info.context.actor, institution_id, term)
        return await paginate(qs.order_by("name", "id"), PersonType.from_row,
                              first=first, after=after, last=last, before=before)
